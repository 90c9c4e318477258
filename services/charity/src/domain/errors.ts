/**
 * The coded errors of the charity (慈善) domain.
 *
 * Status rule, applied to every code:
 * - **400** the input is malformed or contradicts itself (a bad credit code, a donor that does not
 *   fit the donor kind, a date in the future, a date before another it must follow);
 * - **404** something asked for does not exist or is outside the caller's jurisdiction;
 * - **409** the request conflicts with the state of what already exists (a closed campaign, a
 *   balance too small, an illegal micro-wish transition, a duplicate);
 * - **422** the input is well formed but a policy rule or parameter refuses it (above the
 *   education-aid standard, aid of a kind the campaign does not fund, an unregistered organiser).
 *
 * Messages are Chinese with English in parentheses. `details` names the rule broken and, when one
 * field is at fault, the dotted path of that field. Details never carry personal data.
 */

/** Code → HTTP status and a one-line description, for the README, OpenAPI and the HTTP layer. */
export const CHARITY_ERROR_CODES = {
  CHARITY_INVALID_INPUT: { statusCode: 400, description: '输入不合法 (a value is malformed or inconsistent with another)' },
  CHARITY_USCC_FORMAT: { statusCode: 400, description: '统一社会信用代码格式错误 (the unified social credit code is not 18 characters of the GB 32100 alphabet)' },
  CHARITY_USCC_CHECK_CHARACTER: { statusCode: 400, description: '统一社会信用代码校验码错误 (the 18th character is not the GB 32100 check character of the first 17)' },
  CHARITY_DONOR_MISMATCH: { statusCode: 400, description: '捐赠人信息与类型不符 (an individual needs a person, an organisation a name, an anonymous donor neither)' },
  CHARITY_EDUCATION_LEVEL_REQUIRED: { statusCode: 400, description: '教育帮扶须注明学段 (education aid needs educationLevel; other aid must not give one)' },
  CHARITY_DATE_IN_FUTURE: { statusCode: 400, description: '日期晚于今天 (a date that must not be in the future is)' },
  CHARITY_DATE_ORDER: { statusCode: 400, description: '日期先后顺序错误 (a date is before the date it must follow)' },
  CHARITY_NOT_FOUND: { statusCode: 404, description: '记录不存在或不在管辖范围内 (no such organisation, campaign or micro-wish in the caller\'s jurisdiction)' },
  CHARITY_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the record changed meanwhile; retry)' },
  CHARITY_ORGANISATION_EXISTS: { statusCode: 409, description: '慈善组织已登记 (an organisation with this credit code is already registered)' },
  CHARITY_CAMPAIGN_CLOSED: { statusCode: 409, description: '募捐活动已结束 (the campaign is closed: no donations, disbursements or second close)' },
  CHARITY_INSUFFICIENT_BALANCE: { statusCode: 409, description: '余额不足 (the disbursement exceeds the campaign\'s balance; details give both amounts)' },
  CHARITY_ILLEGAL_TRANSITION: { statusCode: 409, description: '微心愿状态不允许该操作 (the action is not allowed from the wish\'s status; details list the allowed actions)' },
  CHARITY_WISH_EXPIRED: { statusCode: 409, description: '微心愿已过截止日期 (the wish\'s deadline has passed; it can no longer be claimed)' },
  CHARITY_PARAMETER_OVERLAP: { statusCode: 409, description: '参数版本重复 (a version for the same aid kind, level, region and date already exists)' },
  CHARITY_AID_ABOVE_CAP: { statusCode: 422, description: '超过帮扶标准 (the person\'s aid of this kind in the year would exceed the parameter in force, e.g. R-E12 education aid; details give the figures and the version)' },
  CHARITY_AID_KIND_MISMATCH: { statusCode: 422, description: '帮扶类型与募捐活动用途不符 (the campaign does not fund aid of this kind)' },
  CHARITY_ORGANISER_NOT_REGISTERED: { statusCode: 422, description: '发起机构未登记 (the organiser is not a registered charitable organisation)' },
} as const satisfies Readonly<Record<`CHARITY_${string}`, { readonly statusCode: 400 | 404 | 409 | 422; readonly description: string }>>;

export type CharityErrorCode = keyof typeof CHARITY_ERROR_CODES;

export interface CharityErrorDetails {
  /** Dotted path of the input field at fault. */
  readonly field?: string;
  /** The rule broken, in English words. */
  readonly rule: string;
  readonly [key: string]: unknown;
}

/** The one error type of the charity domain; `statusCode` follows from `code`. */
export class CharityError extends Error {
  override readonly name = 'CharityError';
  readonly statusCode: number;

  constructor(
    readonly code: CharityErrorCode,
    message: string,
    readonly details: CharityErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = CHARITY_ERROR_CODES[code].statusCode;
  }
}

export function isCharityError(error: unknown, code?: CharityErrorCode): error is CharityError {
  return error instanceof CharityError && (code === undefined || error.code === code);
}

export function invalidInput(field: string, rule: string, extra: Readonly<Record<string, unknown>> = {}): CharityError {
  return new CharityError('CHARITY_INVALID_INPUT', `输入不合法 (${field} ${rule})`, { ...extra, field, rule });
}

export function dateInFuture(field: string): CharityError {
  return new CharityError('CHARITY_DATE_IN_FUTURE', `${field}: 日期不能晚于今天 (must not be after today)`, { field, rule: 'must not be after today (UTC+8)' });
}
