/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { ApplicationRepository } from './applications/application.repository.js';
import type { HouseholdRepository } from './households/household.repository.js';
import type { EnrolmentRepository } from './enrolments/enrolment.repository.js';
import type { EconomicCheckRepository } from './economic-checks/economic-check.repository.js';
import type { PaymentRunRepository } from './payment-runs/payment-run.repository.js';
import type { StandardBook } from './standards/standard-book.js';

export interface AssistanceDeps {
  readonly households: HouseholdRepository;
  readonly applications: ApplicationRepository;
  readonly enrolments: EnrolmentRepository;
  readonly economicChecks: EconomicCheckRepository;
  readonly paymentRuns: PaymentRunRepository;
  /** The standard versions (低保, 低收入, 特困, 临时救助, 支出型), every region and date. */
  readonly standards: StandardBook;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly now: () => Date;
}

/** Today's calendar date in China Standard Time (UTC+8), whatever the server's time zone. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
