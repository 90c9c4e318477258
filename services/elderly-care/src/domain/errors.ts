/**
 * The coded errors of the elderly-care (养老) service.
 *
 * Status rule, applied to every code:
 * - **400** the input is malformed or contradicts itself (a date in the future, a device event
 *   whose payload does not match its kind, a region code at the wrong level);
 * - **404** something asked for does not exist or lies outside the caller's jurisdiction;
 * - **409** the request conflicts with what already exists (a person registered twice, a device
 *   bound to another elder, a record changed meanwhile);
 * - **422** the input is well formed but a rule refuses it, or a parameter it needs is not
 *   configured (an elder below the registry's minimum age, no tier table in force).
 *
 * Messages are Chinese with English in parentheses. `details` names the rule broken and, when one
 * field is at fault, its dotted path (`events.3.vitalSign`). Details never carry personal data.
 */

/** Code → HTTP status and a one-line description (README table, tests). */
export const ELDER_ERROR_CODES = {
  ELDER_INVALID_INPUT: { statusCode: 400, description: '输入不合法 (a value is malformed or inconsistent with another, e.g. a device event without the payload of its kind)' },
  ELDER_DATE_IN_FUTURE: { statusCode: 400, description: '日期晚于今天 (a date or instant that must not be in the future is)' },
  ELDER_DATE_ORDER: { statusCode: 400, description: '日期先后顺序错误 (validUntil before assessedDate, lastPressedAt before occurredAt, ...)' },
  ELDER_REGION_LEVEL: { statusCode: 400, description: '区划层级不符 (an elder is registered at village/community level: 12 digits)' },
  ELDER_NOT_FOUND: { statusCode: 404, description: '记录不存在或不在管辖范围内 (no such elder or record in the caller\'s jurisdiction)' },
  ELDER_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the record changed since it was read; reload and retry)' },
  ELDER_ALREADY_REGISTERED: { statusCode: 409, description: '该老人已登记 (the person already has an elder record; details give its id)' },
  ELDER_DEVICE_BOUND_ELSEWHERE: { statusCode: 409, description: '设备已绑定其他老人 (the device id is bound to another elder)' },
  ELDER_TOO_YOUNG: { statusCode: 422, description: '未达到登记年龄 (younger than the registry\'s minimum age, a PARAMETER)' },
  ELDER_NO_STANDARD: { statusCode: 422, description: '无适用参数表 (no tier or subsidy table version in force for the region and date)' },
  ELDER_UNKNOWN_ELDER: { statusCode: 422, description: '设备事件所指老人不存在或不在管辖范围内 (device event item: unknown elder, reported per item)' },
  ELDER_UNKNOWN_DEVICE: { statusCode: 422, description: '设备未绑定该老人 (device event item: the device is not bound to the elder, reported per item)' },
} as const satisfies Readonly<Record<`ELDER_${string}`, { readonly statusCode: 400 | 404 | 409 | 422; readonly description: string }>>;

export type ElderErrorCode = keyof typeof ELDER_ERROR_CODES;

export interface ElderErrorDetails {
  /** Dotted path of the input field at fault. */
  readonly field?: string;
  /** The rule broken, in English words. */
  readonly rule: string;
  readonly [key: string]: unknown;
}

/** The one error type of this service; `statusCode` follows from `code` (the kit maps it to the answer). */
export class ElderError extends Error {
  override readonly name = 'ElderError';
  readonly statusCode: number;

  constructor(
    readonly code: ElderErrorCode,
    message: string,
    readonly details: ElderErrorDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.statusCode = ELDER_ERROR_CODES[code].statusCode;
  }
}

export function invalidInput(field: string, rule: string, extra: Readonly<Record<string, unknown>> = {}): ElderError {
  return new ElderError('ELDER_INVALID_INPUT', `输入不合法 (${field} ${rule})`, { ...extra, field, rule });
}

export function dateInFuture(field: string): ElderError {
  return new ElderError('ELDER_DATE_IN_FUTURE', `${field}: 日期不能晚于今天 (must not be in the future)`, { field, rule: 'must not be in the future' });
}
