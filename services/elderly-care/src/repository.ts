/** The kit's scoped repository with this service's codes (see `packages/service-kit/src/repository.ts`). */
import type { OutboxNudge, ScopedRepositoryOptions } from '@minzheng/service-kit/repository';

export type { OutboxNudge };

export const repositoryOptions = (label: string, nudge?: OutboxNudge): ScopedRepositoryOptions => ({
  label,
  codes: { notFound: 'ELDER_NOT_FOUND', concurrentChange: 'ELDER_CONCURRENT_CHANGE' },
  ...(nudge === undefined ? {} : { nudge }),
});
