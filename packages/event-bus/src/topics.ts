/**
 * THE declaration of every Kafka topic of the platform (name, partitions, retention, compaction),
 * plus one dead-letter topic per topic. `ensureTopics` (./admin.ts) applies it idempotently at
 * start-up; nothing else creates topics (the local broker runs with auto-create off, so a typo
 * in a topic name fails loudly instead of creating a stray topic).
 *
 * Retention: the 救助帮扶专题库 is a projection of the event log and must be rebuildable from the
 * beginning of the topics (ARCHITECTURE.md), so source topics keep everything (retention -1).
 * A deployment that cannot keep every event on broker disks uses tiered storage, not a shorter
 * retention. Partition counts are starting points for one broker; raising them later is allowed
 * (Kafka cannot shrink them), and `ensureTopics` raises them when the declaration grows.
 */

/** One declared topic. */
export interface TopicSpec {
  /** Kafka topic name: `mz.<context>.<stream>`. */
  readonly name: string;
  /** Who writes it and what it carries (Chinese term for operators). */
  readonly description: string;
  readonly partitions: number;
  /** `retention.ms`; -1 keeps messages forever. */
  readonly retentionMs: number;
  /** `cleanup.policy=compact` (latest value per key) instead of `delete`. */
  readonly compacted: boolean;
  /** Whether a `<name>.dlq` dead-letter topic exists for it (true for every declared topic). */
  readonly deadLetter: boolean;
}

const FOREVER = -1;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Suffix of the dead-letter topic that receives what consumers of `<topic>` cannot process. */
export const DEAD_LETTER_SUFFIX = '.dlq';

/** Retention of dead letters: long enough for an operator to inspect, fix and replay them. */
export const DEAD_LETTER_RETENTION_MS = 365 * DAY_MS;

const source = (name: string, description: string, partitions = 6): TopicSpec => ({
  name,
  description,
  partitions,
  retentionMs: FOREVER,
  compacted: false,
  deadLetter: true,
});

/** Every topic of the platform. Add new topics here and nowhere else. */
export const TOPICS = [
  // 民政 department services (each publishes its own events through its outbox).
  source('mz.assistance.events', '社会救助 social assistance: applications, determinations, payments, standards'),
  source('mz.elderly-care.events', '养老 elderly care: registry, allowances, assessments, services, visits'),
  source('mz.elderly-care.device-signals', '养老设备 emergency calls, vital-sign alarms, device offline (high rate)', 12),
  source('mz.child-protection.events', '儿童福利与未成年人保护 children registry, guardianship, allowances, reports'),
  source('mz.charity.events', '慈善 campaigns, donations, major-illness aid', 3),
  // Other departments, through the exchange gateway (one topic per department: org-level ACLs).
  source('mz.exchange.public-security', '公安 births, deaths, hukou moves, marriage status'),
  source('mz.exchange.medical-insurance', '医保 medical settlements, out-of-pocket costs'),
  source('mz.exchange.disabled-persons-federation', '残联 disability certificates'),
  source('mz.exchange.human-resources', '人社 unemployment, employment, pensions'),
  source('mz.exchange.education', '教育 school enrolment'),
  source('mz.exchange.housing', '住建 dangerous-house surveys'),
  source('mz.exchange.water', '水务 smart water-meter readings and silences (high rate)', 12),
  source('mz.exchange.hotline-12345', '12345 citizen hotline incidents and reports'),
  source('mz.exchange.emergency-management', '应急 disaster declarations'),
  // Reference data: versioned standards by (region, program, effective date). Compacted: one
  // message per version key, so the latest state of every version survives forever.
  {
    name: 'mz.reference.standards',
    description: '标准 versioned standards (低保 standard, multipliers, allowance tiers)',
    partitions: 1,
    retentionMs: FOREVER,
    compacted: true,
    deadLetter: true,
  },
  // Platform outputs.
  source('mz.data-sharing.flags', '政策找人 flags raised, updated and cleared by the detection rules'),
  source('mz.alerting.alert-events', '预警推送 alert routing, acknowledgements, escalations and outcomes'),
] as const satisfies readonly TopicSpec[];

export type TopicName = (typeof TOPICS)[number]['name'];

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

/** The dead-letter topic declared for `spec`. */
export function deadLetterSpecOf(spec: TopicSpec): TopicSpec {
  return {
    name: deadLetterTopicOf(spec.name),
    description: `dead letters of ${spec.name}: messages its consumers could not process, with the reason`,
    partitions: 1,
    retentionMs: DEAD_LETTER_RETENTION_MS,
    compacted: false,
    deadLetter: false,
  };
}

/** Every declared topic followed by its dead-letter topic: what `ensureTopics` creates. */
export function expandWithDeadLetters(specs: readonly TopicSpec[]): TopicSpec[] {
  return specs.flatMap((spec) => (spec.deadLetter ? [spec, deadLetterSpecOf(spec)] : [spec]));
}

/** Kafka topic-level configs for a spec (what `ensureTopics` sets and checks). */
export function topicConfigOf(spec: TopicSpec): Record<string, string> {
  return {
    'cleanup.policy': spec.compacted ? 'compact' : 'delete',
    'retention.ms': String(spec.retentionMs),
  };
}

/** Checks the declaration itself: unique names, legal Kafka names, sane numbers. */
export function validateTopicSpecs(specs: readonly TopicSpec[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const spec of expandWithDeadLetters(specs)) {
    if (seen.has(spec.name)) problems.push(`${spec.name}: declared twice`);
    seen.add(spec.name);
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(spec.name)) {
      problems.push(`${spec.name}: not a legal Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)`);
    }
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      problems.push(`${spec.name}: partitions must be a positive integer, got ${spec.partitions}`);
    }
    if (!Number.isInteger(spec.retentionMs) || (spec.retentionMs < 1 && spec.retentionMs !== -1)) {
      problems.push(`${spec.name}: retentionMs must be -1 (forever) or a positive integer, got ${spec.retentionMs}`);
    }
  }
  return problems;
}
