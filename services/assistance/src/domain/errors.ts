/**
 * The coded errors of the social-assistance (社会救助) domain.
 *
 * Status rule, applied to every code:
 * - **400** the input is malformed or contradicts itself, whatever the policy says (a negative
 *   amount, `fromDate` after `toDate`, a household with two heads, a member listed twice);
 * - **404** something asked for does not exist (thrown by repositories, never by the pure domain);
 * - **409** the request conflicts with the state of what already exists (an illegal status
 *   transition, the same user in two separated roles, a standard version that already exists);
 * - **422** the input is well formed but a policy rule refuses it, or the policy value it needs is
 *   not configured (no standard in force, gradual exit longer than 12 months, temporary aid below
 *   the floor).
 *
 * Messages are Chinese with English in parentheses. `details` always names the rule broken and,
 * when one field is at fault, the dotted path of that field (`members.2.monthlyIncomeFen`).
 * Details never carry personal data: person keys are pseudonyms, actor ids are staff ids.
 */

/** Code → HTTP status and a one-line description, for the README, OpenAPI and the HTTP layer. */
export const ASSISTANCE_ERROR_CODES = {
  ASSIST_INVALID_INPUT: { statusCode: 400, description: '输入不合法 (a value is malformed: not an integer amount, empty id, unknown enum value, inconsistent options)' },
  ASSIST_INVALID_DATE: { statusCode: 400, description: '日期无效 (not a real YYYY-MM-DD date, not an ISO instant, or not the first day of a month where one is required)' },
  ASSIST_INVALID_REGION_CODE: { statusCode: 400, description: '区划代码无效 (a region code is not 6, 9 or 12 digits)' },
  ASSIST_NEGATIVE_AMOUNT: { statusCode: 400, description: '金额为负数 (a money amount in fen is negative)' },
  ASSIST_DATE_ORDER: { statusCode: 400, description: '日期先后顺序错误 (a start date is after its end date, or a step is dated before the previous one)' },
  ASSIST_HOUSEHOLD_EMPTY: { statusCode: 400, description: '家庭无成员 (the household has no members, or none counted on the date)' },
  ASSIST_HOUSEHOLD_NO_HEAD: { statusCode: 400, description: '家庭无户主 (no HEAD among the members on some date)' },
  ASSIST_HOUSEHOLD_MULTIPLE_HEADS: { statusCode: 400, description: '家庭户主不唯一 (more than one HEAD on some date)' },
  ASSIST_MEMBER_DUPLICATE: { statusCode: 400, description: '成员重复 (the same person key appears twice for overlapping periods, or twice in one list)' },
  ASSIST_UNKNOWN_MEMBER: { statusCode: 400, description: '成员不存在 (a person key is not a member of the household on the date)' },
  ASSIST_NOT_FOUND: { statusCode: 404, description: '记录不存在 (no such household, application, enrolment or standard; thrown by repositories, not by the pure domain)' },
  ASSIST_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the record changed since it was read; reload and retry; thrown by repositories)' },
  ASSIST_NOT_ELIGIBLE: { statusCode: 422, description: '不符合条件 (approval refused: the household does not meet the program\'s income rule on the decision date; details give the figures and the standard version)' },
  ASSIST_NOTHING_TO_PAY: { statusCode: 409, description: '无应发金额 (the decision set no amount to pay)' },
  ASSIST_REGION_LEVEL: { statusCode: 400, description: '区划层级不符 (a household is registered at village/community level)' },
  ASSIST_DATE_IN_FUTURE: { statusCode: 400, description: '日期晚于今天 (a date that must not be in the future is)' },
  ASSIST_ILLEGAL_TRANSITION: { statusCode: 409, description: '状态不允许该操作 (the action is not allowed from the current status; details list the allowed actions)' },
  ASSIST_SEPARATION_OF_DUTIES: { statusCode: 409, description: '违反审核审批分离、审批发放分离 (the same user would hold two separated roles of one application)' },
  ASSIST_ALREADY_ENROLLED: { statusCode: 409, description: '已纳入保障 (the household already has an active enrolment in the program, or the application already started one)' },
  ASSIST_STANDARD_OVERLAP: { statusCode: 409, description: '标准版本重复 (a version for the same program, region and effectiveFrom, or with the same id, already exists)' },
  ASSIST_NO_STANDARD: { statusCode: 422, description: '无适用标准 (no standard version in force for the program, region and date; also how an unconfigured parameter surfaces)' },
  ASSIST_GRADUAL_EXIT_TOO_LONG: { statusCode: 422, description: '渐退期超过12个月 (the gradual-exit end date is more than 12 months after regular eligibility ended, R-E14)' },
  ASSIST_TEMPORARY_AID_BELOW_FLOOR: { statusCode: 422, description: '临时救助低于最低标准 (ordinary town-level temporary aid below the floor, e.g. 2 months of the 低保 standard, R-E6)' },
} as const satisfies Readonly<Record<`ASSIST_${string}`, { readonly statusCode: 400 | 404 | 409 | 422; readonly description: string }>>;

export type AssistanceErrorCode = keyof typeof ASSISTANCE_ERROR_CODES;

/** What went wrong: the rule broken, the field at fault when there is one, and rule-specific facts. */
export interface AssistanceErrorDetails {
  /** Dotted path of the input field at fault, e.g. `members.2.monthlyIncomeFen`. */
  readonly field?: string;
  /** The rule that was broken, in English words. */
  readonly rule: string;
  readonly [key: string]: unknown;
}

/** The one error type of the assistance domain; `statusCode` follows from `code` (see the catalogue). */
export class AssistanceError extends Error {
  override readonly name = 'AssistanceError';
  readonly statusCode: number;

  constructor(
    readonly code: AssistanceErrorCode,
    message: string,
    readonly details: AssistanceErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = ASSISTANCE_ERROR_CODES[code].statusCode;
  }
}

/** True when `error` is an `AssistanceError`, optionally with the given code. */
export function isAssistanceError(error: unknown, code?: AssistanceErrorCode): error is AssistanceError {
  return error instanceof AssistanceError && (code === undefined || error.code === code);
}

/** Throws `ASSIST_INVALID_INPUT` for `field` breaking `rule` (helper for the domain modules). */
export function invalidInput(field: string, rule: string, extra: Readonly<Record<string, unknown>> = {}): AssistanceError {
  return new AssistanceError('ASSIST_INVALID_INPUT', `输入不合法 (${field} ${rule})`, { ...extra, field, rule });
}

/** Requires a non-empty, non-blank string identifier. */
export function assertNonEmpty(value: string, field: string): void {
  if (value.trim() === '') throw invalidInput(field, 'must not be empty');
}

/** Requires `value` to be one of `allowed` (input that bypassed the HTTP schema). */
export function assertOneOf<T extends string>(value: T, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value)) throw invalidInput(field, `must be one of ${allowed.join(', ')}`, { value });
}
