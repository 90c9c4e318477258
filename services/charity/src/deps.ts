/** What the use cases need, built once in `app.ts` (tests build their own). */
import type { EventPublisher } from '@minzheng/event-bus/publisher';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { AllowanceBody, AllowanceState } from './aid-parameters/aid-parameter.schema.js';
import type { AidParameterBook } from './aid-parameters/parameter-book.js';
import type { CampaignRepository } from './campaigns/campaign.repository.js';
import type { LedgerBody } from './campaigns/ledger.schema.js';
import type { Chain } from './chain/chain.js';
import type { LedgerState } from './domain/ledger.js';
import type { WishRepository } from './micro-wishes/micro-wish.repository.js';
import type { WishState, WishStepBody } from './micro-wishes/micro-wish.schema.js';
import type { OrganisationRepository } from './organisations/organisation.repository.js';

export interface CharityDeps {
  readonly organisations: OrganisationRepository;
  readonly campaigns: CampaignRepository;
  /** Each campaign's ledger: donations, disbursements, close. */
  readonly ledger: Chain<LedgerState, LedgerBody>;
  /** Per person, aid kind and year: what was paid against a cap. */
  readonly allowances: Chain<AllowanceState, AllowanceBody>;
  readonly parameters: AidParameterBook;
  readonly wishes: WishRepository;
  readonly wishSteps: Chain<WishState, WishStepBody>;
  readonly publisher: EventPublisher;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly now: () => Date;
}

/** Today's calendar date in China Standard Time (UTC+8), whatever the server's time zone. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
