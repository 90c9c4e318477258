/**
 * 家庭经济状况核对 (economic checks): the checking centre's result for a household and period,
 * recorded and published as `assistance.economic-check-completed`. The household size defaults to
 * the members living together now.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@minzheng/service-kit/auth';
import { chinaToday, type AssistanceDeps } from '../deps.js';
import { assertDateOrder } from '../domain/dates.js';
import { AssistanceError, invalidInput } from '../domain/errors.js';
import { envelope } from '../events.js';
import { coveredMembers, headRef } from '../households/household.people.js';
import type { StoredEconomicCheck } from '../economic-checks/economic-check.schema.js';

export type EconomicCheckInput = Omit<StoredEconomicCheck, '_id' | 'householdId' | 'regionCode' | 'applicationId' | 'householdSize' | 'financialAssetsFen' | 'realEstateCount' | 'vehicleCount' | 'vehicleValueFen' | 'registeredBusiness' | 'rigidExpenditures' | 'recordedBy' | 'version' | 'createdAt' | 'outbox' | 'outboxPending'> & {
  readonly applicationId?: string;
  readonly householdSize?: number;
  readonly financialAssetsFen?: number;
  readonly realEstateCount?: number;
  readonly vehicleCount?: number;
  readonly vehicleValueFen?: number;
  readonly registeredBusiness?: boolean;
  readonly rigidExpenditures?: StoredEconomicCheck['rigidExpenditures'];
};

export async function recordEconomicCheck(deps: AssistanceDeps, principal: Principal, householdId: string, input: EconomicCheckInput): Promise<StoredEconomicCheck> {
  const household = await deps.households.get(householdId, principal.jurisdiction);
  const now = deps.now();
  assertDateOrder(input.periodFrom, input.periodTo, 'periodFrom', 'periodTo');
  const today = chinaToday(now);
  if (input.periodTo > today) throw new AssistanceError('ASSIST_DATE_IN_FUTURE', `periodTo: 核对期间不能晚于今天 (must not be after ${today})`, { field: 'periodTo', rule: 'must not be after today' });
  if (input.applicationId !== undefined) {
    const application = await deps.applications.get(input.applicationId, principal.jurisdiction);
    if (application.householdId !== householdId) throw invalidInput('applicationId', `must be an application of household ${householdId}`);
  }
  const householdSize = input.householdSize ?? coveredMembers(household).length;
  if (householdSize < 1) throw invalidInput('householdSize', 'must be at least 1');
  const id = `ECC-${randomUUID()}`;
  const check: Omit<StoredEconomicCheck, 'outbox' | 'outboxPending'> = {
    _id: id,
    householdId,
    regionCode: household.regionCode,
    applicationId: input.applicationId ?? null,
    purpose: input.purpose,
    periodFrom: input.periodFrom,
    periodTo: input.periodTo,
    householdSize,
    monthlyIncomePerCapitaFen: input.monthlyIncomePerCapitaFen,
    annualDisposableIncomeFen: input.annualDisposableIncomeFen,
    financialAssetsFen: input.financialAssetsFen ?? null,
    realEstateCount: input.realEstateCount ?? null,
    vehicleCount: input.vehicleCount ?? null,
    vehicleValueFen: input.vehicleValueFen ?? null,
    registeredBusiness: input.registeredBusiness ?? null,
    rigidExpenditures: [...(input.rigidExpenditures ?? [])],
    recordedBy: principal.subject,
    version: 1,
    createdAt: now,
  };
  const { _id, householdId: _household, regionCode: _region, recordedBy: _by, version: _version, createdAt: _created, ...figures } = check;
  const event = deps.publisher.prepare('assistance.economic-check-completed', {
    envelope: envelope({ eventId: randomUUID(), occurredAt: now, recordId: id, regionCode: household.regionCode, person: headRef(deps.keyring, household), householdId }, now),
    checkId: id,
    ...figures,
  });
  await deps.economicChecks.insert(check, [event]);
  return { ...check, outbox: [], outboxPending: true };
}
