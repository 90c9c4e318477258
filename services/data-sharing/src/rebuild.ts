/**
 * 专题库重建 (rebuild): the thematic database is a projection of the event log, so it can be built
 * again from the beginning of the topics into a fresh database and compared with the live one.
 *
 * 1. The end of every source topic is noted (the high watermarks now): the rebuild goes that far.
 * 2. A projection consumer with a new group reads the topics from the beginning into the fresh
 *    database, printing a progress bar with events/s.
 * 3. The live projection's group is waited for until its committed offsets reach the same ends
 *    and its summaries are refreshed (when producers are quiet, both then hold the same events).
 * 4. Both databases get their content checksums per collection (`projection/checksum.ts`); the
 *    report says, per collection, whether they are identical.
 *
 * With producers still writing, the live database moves on after step 1 and the report shows the
 * collections that differ for that reason; run it in a quiet moment for a proof.
 */
import type { ContractRegistry } from '@minzheng/contracts';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Pseudonymizer } from '@minzheng/identity/pseudonym';
import type { ConsumerOptions } from '@minzheng/event-bus/consumer';
import type { Connection } from 'mongoose';
import { checksums, PROJECTION_COLLECTIONS, type CollectionChecksum } from './projection/checksum.js';
import { decrypter, foldCrypto } from './projection/crypto.js';
import type { Precedence } from './projection/precedence.js';
import { ProjectionConsumer } from './projection/projection-consumer.js';
import { DIRTY } from './projection/projector.js';
import { progressLine } from './progress.js';

export interface RebuildOptions {
  readonly kafka: ConsumerOptions['kafka'];
  readonly registry: ContractRegistry;
  readonly keyring: Keyring;
  readonly pseudonymizer: Pseudonymizer;
  readonly precedence: Precedence;
  readonly topics: readonly string[];
  /** The live database and the live projection's consumer group. */
  readonly live: { readonly connection: Connection; readonly groupId: string };
  /** The fresh database to build. */
  readonly target: Connection;
  readonly groupId: string;
  readonly batchSize?: number;
  /** Where the progress bar goes (a terminal's stderr); lines every `progressEveryMs`. */
  readonly progress?: (line: string) => void;
  readonly progressEveryMs?: number;
  /** How long to wait for the live projection to reach the same offsets (default 60 s). */
  readonly liveTimeoutMs?: number;
}

export interface RebuildReport {
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly identical: boolean;
  /** Whether the live group had reached the rebuild's end offsets when compared. */
  readonly liveCaughtUp: boolean;
  readonly collections: Readonly<Record<string, { readonly live: CollectionChecksum; readonly rebuilt: CollectionChecksum; readonly identical: boolean }>>;
}

type Ends = Map<string, { low: number; high: number }>;

async function topicEnds(kafka: ConsumerOptions['kafka'], topics: readonly string[]): Promise<Ends> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends: Ends = new Map();
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${String(partition.partition)}`, { low: Number(partition.low), high: Number(partition.high) });
    }
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Whether the group's committed offsets have reached `ends` on every partition with messages. */
async function groupReached(kafka: ConsumerOptions['kafka'], groupId: string, topics: readonly string[], ends: Ends): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const committed = new Map<string, number>();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const partition of partitions) committed.set(`${topic}/${String(partition.partition)}`, Number(partition.offset));
    }
    return [...ends].every(([key, end]) => end.high <= end.low || (committed.get(key) ?? -1) >= end.high);
  } finally {
    await admin.disconnect();
  }
}

export async function rebuild(options: RebuildOptions): Promise<RebuildReport> {
  const ends = await topicEnds(options.kafka, options.topics);
  const total = [...ends.values()].reduce((sum, end) => sum + end.high - end.low, 0);
  const consumer = new ProjectionConsumer({
    kafka: options.kafka,
    registry: options.registry,
    keyring: options.keyring,
    connection: options.target,
    precedence: options.precedence,
    crypto: foldCrypto(options.keyring, options.pseudonymizer),
    groupId: options.groupId,
    topics: options.topics,
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  });
  const started = performance.now();
  const reached = (): boolean => {
    const positions = consumer.metrics().positions;
    return [...ends].every(([key, end]) => end.high <= end.low || (positions[key] ?? 0) >= end.high);
  };
  const report = (): void => {
    options.progress?.(progressLine(consumer.metrics().received, total, 'events', (performance.now() - started) / 1000));
  };
  await consumer.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    timer = setInterval(report, options.progressEveryMs ?? 1_000);
    while (!reached()) await new Promise((resolve) => setTimeout(resolve, 100));
    // The summaries of the fresh database follow the contributions.
    await consumer.idle();
  } finally {
    clearInterval(timer);
    await consumer.stop();
  }
  report();
  const seconds = (performance.now() - started) / 1000;
  const events = consumer.metrics().received;

  // The live projection: its group at the same ends, and its summaries refreshed (no subject marked).
  const deadline = Date.now() + (options.liveTimeoutMs ?? 60_000);
  const liveDone = async () => (await groupReached(options.kafka, options.live.groupId, options.topics, ends)) && (await options.live.connection.collection(DIRTY).countDocuments()) === 0;
  let liveCaughtUp = await liveDone();
  while (!liveCaughtUp && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    liveCaughtUp = await liveDone();
  }
  const decrypt = decrypter(options.keyring);
  const live = await checksums(options.live.connection, decrypt);
  const rebuilt = await checksums(options.target, decrypt);
  const collections = Object.fromEntries(
    PROJECTION_COLLECTIONS.map((name) => {
      const a = live[name] ?? { count: 0, sha256: '' };
      const b = rebuilt[name] ?? { count: 0, sha256: '' };
      return [name, { live: a, rebuilt: b, identical: a.count === b.count && a.sha256 === b.sha256 }];
    }),
  );
  return { events, seconds, eventsPerSecond: seconds > 0 ? events / seconds : 0, identical: Object.values(collections).every((item) => item.identical), liveCaughtUp, collections };
}
