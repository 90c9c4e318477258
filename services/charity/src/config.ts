/**
 * The charity service's configuration: the variables every service reads (the kit's
 * `serviceConfigSpec`, see README for the table). A bad or missing value stops start-up with a
 * message naming each variable.
 */
import { serviceConfigSpec } from '@minzheng/service-kit/service';

export const configSpec = serviceConfigSpec(3104);
