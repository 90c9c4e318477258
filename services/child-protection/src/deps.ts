/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { ChildRepository } from './children/child.repository.js';
import type { AllowanceRuleVersion } from './domain/allowance.js';
import type { ReportRepository } from './reports/report.repository.js';
import type { DibaoBook } from './standards/dibao-book.js';

export interface ChildDeps {
  readonly children: ChildRepository;
  readonly reports: ReportRepository;
  /** The 低保 versions received from the assistance service (or entered by an operator). */
  readonly dibao: DibaoBook;
  /** The allowance rule versions (ratio × 低保). */
  readonly allowanceRules: readonly AllowanceRuleVersion[];
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly now: () => Date;
}

/** Today's calendar date in China Standard Time (UTC+8), whatever the server's time zone. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
