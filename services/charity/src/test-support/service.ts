/**
 * Test support for the charity service: the kit's harness (real store and broker, own database,
 * one test topic, fresh keys, tokens, a movable clock, an event reader) around this service's app.
 */
import { startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { OUTBOX_COLLECTIONS, buildCharityApp, ensureIndexes } from '../app.js';

export { idNumber, withWrongCheckDigit } from '@minzheng/service-kit/test-support';

export type TestService = ServiceHarness;

export function startTestService(): Promise<TestService> {
  return startServiceHarness({ service: 'charity', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: buildCharityApp });
}
