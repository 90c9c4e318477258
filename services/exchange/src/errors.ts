/**
 * The coded errors of the exchange gateway (数据交换网关). Status rule as in every service: 400 the
 * input is malformed or breaks a contract or identity rule; 403 the caller may not do this; 404
 * something named does not exist; 409 it conflicts with what exists. Messages are Chinese with
 * English in parentheses; `details` names the field and the rule.
 */
import { ServiceError } from '@minzheng/service-kit/errors';

export const EXCHANGE_ERROR_CODES = {
  EXCH_UNKNOWN_CLIENT: { statusCode: 403, description: '未登记的部门客户端 (the token\'s subject is not a registered department client)' },
  EXCH_CLIENT_DISABLED: { statusCode: 403, description: '客户端已停用 (the department client is disabled)' },
  EXCH_EVENT_TYPE_NOT_ALLOWED: { statusCode: 403, description: '无权报送该事件类型 (the event type is not on the client\'s allow-list; the refusal is recorded)' },
  EXCH_SOURCE_MISMATCH: { statusCode: 403, description: '来源部门与客户端不符 (envelope.source.department is not the client\'s department)' },
  EXCH_UNKNOWN_EVENT_TYPE: { statusCode: 404, description: '事件类型不存在 (no such event type in the contract catalog)' },
  EXCH_INVALID_EVENT: { statusCode: 400, description: '事件不符合契约 (the event breaks its Avro contract; details.problems lists every path and rule)' },
  EXCH_DATE_IN_FUTURE: { statusCode: 400, description: '发生时间晚于当前时间 (envelope.occurredAt is in the future)' },
  EXCH_REGION_MISMATCH: { statusCode: 400, description: '区划代码层级不一致 (the town or village code does not lie in the county or town code)' },
  EXCH_INVALID_ROW: { statusCode: 400, description: '上传行无效 (a row of an upload is not valid JSON or CSV; reported per row in the upload\'s error report, not as an answer)' },
  EXCH_INVALID_CSV_HEADER: { statusCode: 400, description: 'CSV 表头无效 (a CSV header names a path that is not a scalar field of the event)' },
  EXCH_TRANSFER_INCOMPLETE: { statusCode: 400, description: '文件未传完 (the connection ended before the whole file arrived; what arrived is committed, send the same file again to resume)' },
  EXCH_UPLOAD_COMPLETED: { statusCode: 409, description: '上传已完成 (content sent to an upload that is already complete)' },
  EXCH_NOT_FOUND: { statusCode: 404, description: '记录不存在 (no such client, delivery or receipt)' },
  EXCH_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the record changed since it was read)' },
  EXCH_CLIENT_EXISTS: { statusCode: 409, description: '客户端已存在 (a client with this id is already registered)' },
} as const satisfies Readonly<Record<`EXCH_${string}`, { readonly statusCode: 400 | 403 | 404 | 409; readonly description: string }>>;

export type ExchangeErrorCode = keyof typeof EXCHANGE_ERROR_CODES;

export function exchangeError(code: ExchangeErrorCode, message: string, details: { readonly field?: string; readonly rule: string; readonly [key: string]: unknown }): ServiceError {
  return new ServiceError(code, EXCHANGE_ERROR_CODES[code].statusCode, message, details);
}
