import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_SUFFIX,
  TOPICS,
  deadLetterTopicOf,
  expandWithDeadLetters,
  topicConfigOf,
  validateTopicSpecs,
  type TopicSpec,
} from './topics.js';

const spec = (overrides: Partial<TopicSpec> = {}): TopicSpec => ({
  name: 'mz.test.events',
  description: 'test',
  partitions: 3,
  retentionMs: -1,
  compacted: false,
  deadLetter: true,
  ...overrides,
});

describe('the topic declaration', () => {
  it('is valid: unique legal names, positive partitions, legal retention', () => {
    expect(validateTopicSpecs(TOPICS)).toEqual([]);
  });

  it('gives every declared topic a dead-letter topic', () => {
    const names = new Set(expandWithDeadLetters(TOPICS).map((topic) => topic.name));
    for (const topic of TOPICS) expect(names.has(`${topic.name}${DEAD_LETTER_SUFFIX}`)).toBe(true);
    expect(names.size).toBe(TOPICS.length * 2);
  });

  it('keeps source events forever so the thematic database can be rebuilt from the log', () => {
    for (const topic of TOPICS) expect(topic.retentionMs).toBe(-1);
  });
});

describe('expandWithDeadLetters', () => {
  it('puts the dead-letter topic right after its topic, with one partition and finite retention', () => {
    const [main, dead] = expandWithDeadLetters([spec()]);
    expect(main?.name).toBe('mz.test.events');
    expect(dead).toMatchObject({ name: 'mz.test.events.dlq', partitions: 1, compacted: false, deadLetter: false });
    expect(dead?.retentionMs).toBeGreaterThan(0);
  });

  it('adds nothing for a spec without a dead-letter topic', () => {
    expect(expandWithDeadLetters([spec({ deadLetter: false })])).toHaveLength(1);
  });
});

describe('topicConfigOf', () => {
  it('maps compaction and retention to Kafka topic configs', () => {
    expect(topicConfigOf(spec({ compacted: true, retentionMs: -1 }))).toEqual({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    expect(topicConfigOf(spec({ retentionMs: 86_400_000 }))).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '86400000' });
  });
});

describe('validateTopicSpecs', () => {
  it('reports a name declared twice, including a clash with a dead-letter name', () => {
    expect(validateTopicSpecs([spec(), spec()])).toContain('mz.test.events: declared twice');
    expect(validateTopicSpecs([spec(), spec({ name: deadLetterTopicOf('mz.test.events'), deadLetter: false })])).toContain(
      'mz.test.events.dlq: declared twice',
    );
  });

  it('reports illegal names, partitions and retention with the rule', () => {
    const problems = validateTopicSpecs([spec({ name: 'bad name!', partitions: 0, retentionMs: 0, deadLetter: false })]);
    expect(problems).toEqual([
      'bad name!: not a legal Kafka topic name ([a-zA-Z0-9._-], at most 249 characters)',
      'bad name!: partitions must be a positive integer, got 0',
      'bad name!: retentionMs must be -1 (forever) or a positive integer, got 0',
    ]);
  });
});
