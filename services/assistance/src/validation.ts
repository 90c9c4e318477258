/**
 * Input checks that name the exact field: identity errors (ID number, region) keep their own code
 * (`ID_CHECK_DIGIT`, `REGION_UNKNOWN`, ...) and gain `details.field`.
 */
import { IdentityError } from '@minzheng/identity/errors';
import { ServiceError } from '@minzheng/service-kit/errors';

export function atField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof IdentityError) {
      throw new ServiceError(error.code, 400, `${field}: ${error.message}`, { ...error.details, field }, { cause: error });
    }
    throw error;
  }
}
