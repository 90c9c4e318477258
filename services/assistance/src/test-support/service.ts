/**
 * Test support for the assistance service: the kit's harness (real store and broker, own
 * database, one test topic, fresh keys, tokens, a movable clock, an event reader) around this
 * service's app, and valid ID numbers.
 */
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { OUTBOX_COLLECTIONS, buildAssistanceApp, ensureIndexes } from '../app.js';

export { idNumber, withWrongCheckDigit } from '@minzheng/service-kit/test-support';

export type TestService = ServiceHarness;

export function startTestService(): Promise<TestService> {
  return startServiceHarness({ service: 'assistance', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: buildAssistanceApp });
}
