/**
 * Test support for the elderly-care service: the kit's harness (real store and broker, own
 * database, one test topic for every event, fresh keys, tokens, a movable clock, an event reader)
 * around this service's app, and valid ID numbers.
 */
import { idNumber as idNumberOf, startServiceHarness, type ServiceHarness } from '@minzheng/service-kit/test-support';
import { OUTBOX_COLLECTIONS, buildElderlyCareApp, ensureIndexes } from '../app.js';

export { idNumber, withWrongCheckDigit } from '@minzheng/service-kit/test-support';

export type TestService = ServiceHarness;

export function startTestService(): Promise<TestService> {
  return startServiceHarness({ service: 'elderly-care', collections: OUTBOX_COLLECTIONS, prepare: ensureIndexes, build: buildElderlyCareApp });
}

/** A registration body for an elder born on `birthDate` (defaults: hukou, living alone, 石岐 village). */
export function elderBody(birthDate: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idNumber: idNumberOf(birthDate),
    name: '郑子轩',
    phone: '13590871234',
    emergencyContactPhone: '13590875678',
    regionCode: '442000001001',
    hukouResident: true,
    livingArrangement: 'ALONE',
    economicStatus: 'ORDINARY',
    assignedVisitorId: 'SW-001-0001',
    assignedVisitorRole: 'SOCIAL_WORKER',
    ...overrides,
  };
}

/** Registers an elder as a caseworker of `jurisdiction`; returns the created view. */
export async function registerElder(service: TestService, body: Record<string, unknown>, jurisdiction = '442000001'): Promise<{ id: string; personKey: string; version: number }> {
  const response = await service.app.inject({ method: 'POST', url: '/elders', payload: body, headers: { authorization: `Bearer ${await service.token(['caseworker'], jurisdiction)}` } });
  if (response.statusCode !== 201) throw new Error(`registering an elder failed: ${response.statusCode} ${response.body}`);
  return response.json();
}
