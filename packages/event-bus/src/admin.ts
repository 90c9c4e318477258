import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { createKafka } from './client.js';
import { expandWithDeadLetters, topicConfigOf, validateTopicSpecs, type TopicSpec } from './topics.js';

const { ConfigResourceTypes } = kafkajs; // see client.ts for why kafkajs is destructured

/** What the broker says about itself. */
export interface ClusterInfo {
  readonly clusterId: string;
  readonly controllerId: number | null;
  readonly brokers: readonly { readonly nodeId: number; readonly host: string; readonly port: number }[];
}

export interface WaitForBrokerOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Called before each new attempt after a failed one (progress output). */
  readonly onWaiting?: (attempt: number, elapsedMs: number, lastError: string) => void;
  /** Stops waiting early, e.g. when the broker process has exited. Return a reason to abort. */
  readonly abortIf?: () => string | undefined;
}

/** Asks the cluster to describe itself, once. Throws when no broker answers. */
export async function describeCluster(brokers: readonly string[]): Promise<ClusterInfo> {
  const admin = createKafka({ brokers, clientId: 'mz-probe', retries: 0, connectionTimeoutMs: 1_500, requestTimeoutMs: 5_000 }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      clusterId: cluster.clusterId,
      controllerId: cluster.controller,
      brokers: cluster.brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port })),
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Polls until a broker answers `describeCluster` (Kafka is ready to serve clients), or throws
 * after `timeoutMs` with the last error.
 */
export async function waitForBroker(brokers: readonly string[], options: WaitForBrokerOptions = {}): Promise<ClusterInfo> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const intervalMs = options.intervalMs ?? 500;
  const started = Date.now();
  let attempt = 0;
  for (;;) {
    const aborted = options.abortIf?.();
    if (aborted !== undefined) throw new Error(`stopped waiting for Kafka at ${brokers.join(',')}: ${aborted}`);
    attempt += 1;
    let lastError: string;
    try {
      return await describeCluster(brokers);
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      throw new Error(`Kafka at ${brokers.join(',')} did not answer within ${Math.round(timeoutMs / 1000)} s: ${lastError}`);
    }
    options.onWaiting?.(attempt, elapsed, lastError);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export type TopicAction =
  | { readonly topic: string; readonly action: 'created'; readonly partitions: number }
  | { readonly topic: string; readonly action: 'partitions-raised'; readonly from: number; readonly to: number }
  | { readonly topic: string; readonly action: 'config-updated'; readonly changed: readonly string[] }
  | { readonly topic: string; readonly action: 'unchanged' }
  | { readonly topic: string; readonly action: 'warning'; readonly message: string };

export interface EnsureTopicsOptions {
  /** 1 on a single broker; 3 on a production cluster. */
  readonly replicationFactor?: number;
}

/**
 * Applies a topic declaration (plus its dead-letter topics) to the cluster, idempotently:
 * creates missing topics, raises partition counts that grew in the declaration, and resets
 * topic configs (cleanup policy, retention) that differ from it. Running it twice changes
 * nothing the second time. Kafka cannot shrink partitions: a topic with more partitions than
 * declared is reported as a warning, not touched.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[], options: EnsureTopicsOptions = {}): Promise<TopicAction[]> {
  const problems = validateTopicSpecs(specs);
  if (problems.length > 0) throw new Error(`invalid topic declaration:\n  ${problems.join('\n  ')}`);
  const wanted = expandWithDeadLetters(specs);
  const replicationFactor = options.replicationFactor ?? 1;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((spec) => !existing.has(spec.name));
    const present = wanted.filter((spec) => existing.has(spec.name));
    const actions: TopicAction[] = [];

    if (missing.length > 0) {
      await admin.createTopics({
        // Not kafkajs' own wait: its metadata poll retries only LEADER_NOT_AVAILABLE, but a KRaft
        // broker briefly answers UNKNOWN_TOPIC_OR_PARTITION for a topic it has just created.
        waitForLeaders: false,
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor,
          configEntries: Object.entries(topicConfigOf(spec)).map(([name, value]) => ({ name, value })),
        })),
      });
      await waitForLeaders(admin, missing.map((spec) => spec.name));
      for (const spec of missing) actions.push({ topic: spec.name, action: 'created', partitions: spec.partitions });
    }
    if (present.length === 0) return actions;

    const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) });
    const partitionCount = new Map(metadata.topics.map((topic) => [topic.name, topic.partitions.length]));
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: spec.name,
        configNames: Object.keys(topicConfigOf(spec)),
      })),
    });
    const currentConfig = new Map(
      described.resources.map((resource) => [
        resource.resourceName,
        new Map(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
      ]),
    );

    const raise: { topic: string; count: number }[] = [];
    const reconfigure: TopicSpec[] = [];
    for (const spec of present) {
      const have = partitionCount.get(spec.name) ?? 0;
      let touched = false;
      if (have < spec.partitions) {
        raise.push({ topic: spec.name, count: spec.partitions });
        actions.push({ topic: spec.name, action: 'partitions-raised', from: have, to: spec.partitions });
        touched = true;
      } else if (have > spec.partitions) {
        actions.push({
          topic: spec.name,
          action: 'warning',
          message: `has ${have} partitions, declaration says ${spec.partitions}; Kafka cannot shrink a topic, update the declaration`,
        });
        touched = true;
      }
      const config = currentConfig.get(spec.name);
      const changed = Object.entries(topicConfigOf(spec))
        .filter(([name, value]) => config?.get(name) !== value)
        .map(([name]) => name);
      if (changed.length > 0) {
        reconfigure.push(spec);
        actions.push({ topic: spec.name, action: 'config-updated', changed });
        touched = true;
      }
      if (!touched) actions.push({ topic: spec.name, action: 'unchanged' });
    }
    if (raise.length > 0) await admin.createPartitions({ topicPartitions: raise });
    if (reconfigure.length > 0) {
      await admin.alterConfigs({
        validateOnly: false,
        resources: reconfigure.map((spec) => ({
          type: ConfigResourceTypes.TOPIC,
          name: spec.name,
          configEntries: Object.entries(topicConfigOf(spec)).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    return actions;
  } finally {
    await admin.disconnect();
  }
}

/**
 * Polls metadata until every partition of `topics` has a leader, so producers and consumers can
 * use them at once. Unknown-topic answers during the poll are expected right after creation.
 */
async function waitForLeaders(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no metadata yet';
  while (Date.now() < deadline) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = described.length === topics.length && described.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
      if (ready) return;
      last = 'some partitions have no leader yet';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topics ${topics.join(', ')} did not get partition leaders within ${timeoutMs} ms: ${last}`);
}

/** Deletes topics that exist (tests clean up after themselves); absent ones are ignored. */
export async function deleteTopics(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}
