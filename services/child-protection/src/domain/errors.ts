/**
 * The coded errors of the child-protection (儿童福利与未成年人保护) domain.
 *
 * Status rule, applied to every code:
 * - **400** the input is malformed or contradicts itself (a bad date, a future date, a date before
 *   the child's birth, an unknown guardian, a guardian listed twice);
 * - **404** something asked for does not exist (thrown by repositories);
 * - **409** the request conflicts with the state of what exists (an illegal report transition, the
 *   same user in two separated roles, a child already registered, an allowance already granted);
 * - **422** the input is well formed but a policy rule refuses it (the child is 18 or older, the
 *   category does not fit the guardians, no 低保 standard or allowance rule in force).
 *
 * Messages are Chinese with English in parentheses. `details` names the rule and, when one field is
 * at fault, the field. Details never carry personal data: person keys are pseudonyms, actor ids are
 * staff ids.
 */

/** Code → HTTP status and a one-line description, for the README, OpenAPI and the HTTP layer. */
export const CHILD_ERROR_CODES = {
  CHILD_INVALID_INPUT: { statusCode: 400, description: '输入不合法 (a value is malformed or inconsistent with another field)' },
  CHILD_INVALID_DATE: { statusCode: 400, description: '日期无效 (not a real YYYY-MM-DD date, or not the first day of a month where one is required)' },
  CHILD_DATE_IN_FUTURE: { statusCode: 400, description: '日期晚于今天 (a date that must not be in the future is: a change, a visit, a payment month)' },
  CHILD_DATE_BEFORE_BIRTH: { statusCode: 400, description: '日期早于儿童出生日期 (a change or visit dated before the child was born)' },
  CHILD_REGION_LEVEL: { statusCode: 400, description: '区划层级不符 (a child is registered at village/community level: 12 digits)' },
  CHILD_UNKNOWN_GUARDIAN: { statusCode: 400, description: '监护人不存在 (the person key names no guardian of the child)' },
  CHILD_GUARDIAN_DUPLICATE: { statusCode: 400, description: '监护人重复 (the same person is listed twice, or is the child)' },
  CHILD_NOT_FOUND: { statusCode: 404, description: '记录不存在 (no such child or report in the caller\'s jurisdiction; thrown by repositories)' },
  CHILD_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the record changed since it was read; reload and retry)' },
  CHILD_ALREADY_REGISTERED: { statusCode: 409, description: '儿童已登记 (a record for this ID number already exists)' },
  CHILD_ILLEGAL_GUARDIANSHIP_CHANGE: { statusCode: 409, description: '监护变化不可能 (the change contradicts the guardian\'s recorded situation, e.g. a deceased guardian)' },
  CHILD_ILLEGAL_TRANSITION: { statusCode: 409, description: '报告状态不允许该转换 (the report cannot move to that state from its current one; details list the allowed states)' },
  CHILD_SEPARATION_OF_DUTIES: { statusCode: 409, description: '违反审核、审批、发放分离 (the same user would review and approve, or approve/review and pay, one allowance)' },
  CHILD_ALLOWANCE_EXISTS: { statusCode: 409, description: '基本生活费已申请或在保 (the child already has an allowance pending or in force)' },
  CHILD_ALLOWANCE_NOT_PENDING: { statusCode: 409, description: '基本生活费不在待审批状态 (no allowance awaiting approval)' },
  CHILD_NOT_MINOR: { statusCode: 422, description: '已满18周岁 (the child is 18 or older on the registration date)' },
  CHILD_CATEGORY_NOT_ALLOWED: { statusCode: 422, description: '类别与监护状况不符 (the category does not fit the guardians or institution: orphan needs both parents deceased, 事实无人抚养 needs parents unable, institutional needs an institution)' },
  CHILD_NOT_ELIGIBLE: { statusCode: 422, description: '不属于基本生活费保障对象 (only institutional and scattered orphans and 事实无人抚养 children under 18 receive the allowance)' },
  CHILD_NO_STANDARD: { statusCode: 422, description: '无适用标准 (no 低保 standard or allowance rule version in force for the region and date)' },
} as const satisfies Readonly<Record<`CHILD_${string}`, { readonly statusCode: 400 | 404 | 409 | 422; readonly description: string }>>;

export type ChildErrorCode = keyof typeof CHILD_ERROR_CODES;

export interface ChildErrorDetails {
  /** Dotted path of the input field at fault. */
  readonly field?: string;
  /** The rule that was broken, in English words. */
  readonly rule: string;
  readonly [key: string]: unknown;
}

/** The one error type of the child-protection domain; `statusCode` follows from `code`. */
export class ChildError extends Error {
  override readonly name = 'ChildError';
  readonly statusCode: number;

  constructor(
    readonly code: ChildErrorCode,
    message: string,
    readonly details: ChildErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = CHILD_ERROR_CODES[code].statusCode;
  }
}

/** `CHILD_INVALID_INPUT` for `field` breaking `rule`. */
export function invalidInput(field: string, rule: string, extra: Readonly<Record<string, unknown>> = {}): ChildError {
  return new ChildError('CHILD_INVALID_INPUT', `输入不合法 (${field} ${rule})`, { ...extra, field, rule });
}
