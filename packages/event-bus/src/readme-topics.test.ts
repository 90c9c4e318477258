import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOPICS } from './topics.js';

/** The root README's topic table is documentation people rely on: it must match the declaration. */
describe('README topic table', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `(mz\.[^`]+)` \| (\d+) \| ([^|]+) \|/gm)].map((match) => [match[1], { partitions: Number(match[2]), cleanup: match[3]!.trim() }]),
  );

  it('lists every declared topic with its partitions and cleanup policy, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual(TOPICS.map((topic) => topic.name).sort());
    for (const topic of TOPICS) {
      expect(rows.get(topic.name), topic.name).toEqual({ partitions: topic.partitions, cleanup: topic.compacted ? 'compact' : 'delete, forever' });
    }
  });
});
