import { CATALOG } from '@minzheng/contracts';
import { describe, expect, it } from 'vitest';
import { TOPICS } from './topics.js';

describe('event catalog and topic declaration', () => {
  it('publishes every cataloged event on a declared topic', () => {
    const declared = new Set<string>(TOPICS.map((topic) => topic.name));
    const undeclared = CATALOG.events.filter((event) => !declared.has(event.topic)).map((event) => `${event.eventType} -> ${event.topic}`);
    expect(undeclared).toEqual([]);
  });
});
