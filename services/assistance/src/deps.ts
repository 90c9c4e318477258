/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { ApplicationRepository } from './applications/application.repository.js';
import type { StandardVersion } from './domain/standards.js';
import type { HouseholdRepository } from './households/household.repository.js';

export interface AssistanceDeps {
  readonly households: HouseholdRepository;
  readonly applications: ApplicationRepository;
  /** The standard versions in force (低保, 低收入, 特困, 临时救助, 支出型), every region and date. */
  readonly standards: readonly StandardVersion[];
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  /** Wakes the outbox relay after a write (absent in tests that relay by hand). */
  readonly nudge: () => void;
  readonly now: () => Date;
}

/** Today's calendar date in China Standard Time (UTC+8), whatever the server's time zone. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
