/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { AllowanceGrantRepository } from './allowances/allowance-grant.repository.js';
import type { DeviceRepository } from './device-signals/device.repository.js';
import type { AgeAllowanceTable } from './domain/age-allowance.js';
import type { CareSubsidyTable } from './domain/care-subsidy.js';
import type { ElderRepository } from './elders/elder.repository.js';
import type { ServiceOrderRepository } from './service-orders/service-order.repository.js';
import type { StandardRowRepository } from './standards/standard.repository.js';
import type { VisitRepository } from './visits/visit.repository.js';

export interface ElderlyCareParameters {
  /** PARAMETER: 高龄津贴 tier tables (default: demo values, domain/age-allowance.ts). */
  readonly ageAllowanceTables: readonly AgeAllowanceTable[];
  /** PARAMETER: care-subsidy tables (default: the 2018 seed values and demo 2019 values). */
  readonly careSubsidyTables: readonly CareSubsidyTable[];
  /** PARAMETER: the registry's minimum age (default 60: outside knowledge, not in the seeds). */
  readonly minimumAge: number;
}

export interface ElderlyCareDeps {
  readonly elders: ElderRepository;
  readonly grants: AllowanceGrantRepository;
  readonly visits: VisitRepository;
  readonly serviceOrders: ServiceOrderRepository;
  readonly devices: DeviceRepository;
  /** The tier and subsidy table rows published as reference standards. */
  readonly standards: StandardRowRepository;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly parameters: ElderlyCareParameters;
  readonly now: () => Date;
}
