/** The kit's scoped repository with this service's codes (see `packages/service-kit/src/repository.ts`). */
import type { OutboxNudge, ScopedRepositoryOptions } from '@minzheng/service-kit/repository';

export type { OutboxNudge };

export const repositoryOptions = (label: string, nudge?: OutboxNudge): ScopedRepositoryOptions => ({
  label,
  codes: { notFound: 'CHARITY_NOT_FOUND', concurrentChange: 'CHARITY_CONCURRENT_CHANGE' },
  ...(nudge === undefined ? {} : { nudge }),
});
