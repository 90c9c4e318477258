import { describe, expect, it } from 'vitest';
import { tempSchemaTree, testEvent } from '../test-support/temp-tree.js';
import { compatibilityProblems } from './compatibility.js';
import { readSchemaTree, type JsonObject } from './tree.js';

const withStatus = (symbols: string[], extra: { default?: string } = {}) =>
  testEvent([{ name: 'status', doc: '状态 — status.', type: { type: 'enum', name: 'Status', doc: '状态 — status.', symbols, ...extra } }]);

function expanded(event: object): JsonObject {
  const tree = readSchemaTree(tempSchemaTree({ 'assistance/thing-happened.avsc': event }));
  expect(tree.problems).toEqual([]);
  return tree.events[0]!.schema;
}

describe('compatibilityProblems', () => {
  const v1 = expanded(withStatus(['OPEN', 'CLOSED'], { default: 'OPEN' }));

  it('accepts the same schema and a new optional field with a default', () => {
    expect(compatibilityProblems(v1, [{ version: 1, schema: v1 }])).toEqual([]);
    const v2 = expanded(withStatus(['OPEN', 'CLOSED'], { default: 'OPEN' }));
    (v2.fields as JsonObject[]).push({ name: 'note', type: ['null', 'string'], default: null, doc: '备注 — note.' });
    expect(compatibilityProblems(v2, [{ version: 1, schema: v1 }])).toEqual([]);
  });

  it('accepts a new enum symbol', () => {
    expect(compatibilityProblems(expanded(withStatus(['OPEN', 'CLOSED', 'ARCHIVED'], { default: 'OPEN' })), [{ version: 1, schema: v1 }])).toEqual([]);
  });

  it('refuses a new field without a default (old data cannot fill it)', () => {
    const v2 = expanded(withStatus(['OPEN', 'CLOSED'], { default: 'OPEN' }));
    (v2.fields as JsonObject[]).push({ name: 'reviewer', type: 'string', doc: '审核人 — reviewer.' });
    const problems = compatibilityProblems(v2, [{ version: 1, schema: v1 }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/cannot read published v1: .*reviewer/);
  });

  it('refuses a removed enum symbol, even when the enum has a default', () => {
    const problems = compatibilityProblems(expanded(withStatus(['OPEN'], { default: 'OPEN' })), [{ version: 1, schema: v1 }]);
    expect(problems).toEqual(['enum mz.assistance.Status lost symbol(s) CLOSED published in v1: enum symbols are never removed']);
  });

  it('refuses a removed enum symbol without a default at the Avro level too', () => {
    const old = expanded(withStatus(['OPEN', 'CLOSED']));
    const problems = compatibilityProblems(expanded(withStatus(['OPEN'])), [{ version: 1, schema: old }]);
    expect(problems.some((problem) => problem.startsWith('cannot read published v1'))).toBe(true);
  });

  it('refuses a changed field type', () => {
    const v2 = expanded(withStatus(['OPEN', 'CLOSED'], { default: 'OPEN' }));
    const amount = (v2.fields as JsonObject[]).find((field) => field.name === 'amountFen')!;
    amount.type = 'string';
    expect(compatibilityProblems(v2, [{ version: 1, schema: v1 }])[0]).toMatch(/cannot read published v1/);
  });
});
