/**
 * The coded errors of the data-sharing service (数据共享). Status rule as in every service: 400 the
 * request is malformed; 403 the caller may not see this; 404 something named does not exist.
 * Messages are Chinese with English in parentheses; `details` names the field and the rule.
 */
import { ServiceError } from '@minzheng/service-kit/errors';

export const DATA_SHARING_ERROR_CODES = {
  DS_NOT_FOUND: { statusCode: 404, description: '记录不存在 (no such person or household in the thematic database)' },
  DS_PURPOSE_REQUIRED: { statusCode: 400, description: '须说明访问事由 (a full profile needs a stated purpose or case reference in X-Access-Purpose)' },
  DS_FULL_VIEW_FORBIDDEN: { statusCode: 403, description: '无权查看完整信息 (the caller may see this profile only masked: analysts always, caseworkers outside their jurisdiction)' },
  DS_INVALID_QUERY: { statusCode: 400, description: '查询条件无效 (a search or as-of parameter breaks its rule)' },
  DS_FLAG_NOT_OPEN: { statusCode: 409, description: '线索不在可办理状态 (the flag is already acknowledged or closed, or a newer flag replaced it)' },
  DS_CONCURRENT_CHANGE: { statusCode: 409, description: '记录已被他人修改 (the flag changed between reading and acting; read it again)' },
} as const satisfies Readonly<Record<`DS_${string}`, { readonly statusCode: 400 | 403 | 404 | 409; readonly description: string }>>;

export type DataSharingErrorCode = keyof typeof DATA_SHARING_ERROR_CODES;

export function dataSharingError(code: DataSharingErrorCode, message: string, details: { readonly field?: string; readonly rule: string; readonly [key: string]: unknown }): ServiceError {
  return new ServiceError(code, DATA_SHARING_ERROR_CODES[code].statusCode, message, details);
}
