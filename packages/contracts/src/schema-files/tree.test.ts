import { describe, expect, it } from 'vitest';
import { tempSchemaTree, testEvent } from '../test-support/temp-tree.js';
import { readSchemaTree } from './tree.js';

describe('readSchemaTree', () => {
  it('expands an event with the common types inlined once and finds its personal fields', () => {
    const tree = readSchemaTree(tempSchemaTree({ 'assistance/thing-happened.avsc': testEvent() }));
    expect(tree.problems).toEqual([]);
    const [event] = tree.events;
    expect(event).toMatchObject({ eventType: 'assistance.thing-happened', topic: 'mz.assistance.events', fullName: 'mz.assistance.ThingHappened' });
    expect(event!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(event!.canonical).toContain('"name":"mz.common.PersonRef"');
    expect(event!.canonical.match(/"name":"mz.common.PersonRef"/g)).toHaveLength(1);
    expect(event!.piiPaths).toEqual([
      'envelope.person.idNumber',
      'envelope.person.name',
      'applicantName',
      'members[].person.idNumber',
      'members[].person.name',
      'members[].phone',
    ]);
    expect(JSON.stringify(event!.schema)).toContain('"pii":true');
  });

  it('gives the same fingerprint for the same schema and a different one after a change', () => {
    const a = readSchemaTree(tempSchemaTree({ 'assistance/thing-happened.avsc': testEvent() })).events[0]!.fingerprint;
    const b = readSchemaTree(tempSchemaTree({ 'assistance/thing-happened.avsc': testEvent() })).events[0]!.fingerprint;
    const c = readSchemaTree(
      tempSchemaTree({ 'assistance/thing-happened.avsc': testEvent([{ name: 'note', type: ['null', 'string'], default: null, doc: '备注 — note.' }]) }),
    ).events[0]!.fingerprint;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('reports every broken convention with the file and the rule', () => {
    const bad = testEvent(
      [
        { name: 'ratio', type: 'double', doc: '比例 — ratio.' },
        { name: 'undocumented', type: 'string' },
        { name: 'either', type: ['string', 'int'], doc: '二选一 — either.' },
        { name: 'ageSecret', type: 'int', pii: true, doc: '年龄 — age.' },
        { name: 'optional', type: ['null', 'string'], doc: '可选 — optional without default.' },
      ],
      { eventType: 'assistance.ThingHappened', namespace: 'mz.other' },
    );
    const { problems } = readSchemaTree(tempSchemaTree({ 'assistance/thing-happened.avsc': bad }));
    const file = 'assistance/thing-happened.avsc';
    expect(problems).toEqual(
      expect.arrayContaining([
        `${file}: namespace must be mz.assistance (folder assistance)`,
        `${file}: eventType must be "assistance.<entity>-<past-tense-verb>" in kebab case, got "assistance.ThingHappened"`,
        `${file}: ratio: no float or double (money in fen, ratios in permille)`,
        `${file}: undocumented: every field needs a doc ("中文 — English")`,
        `${file}: either: the only union allowed is ["null", T]`,
        `${file}: ageSecret: "pii" only on string or ["null", "string"] fields`,
        `${file}: optional: an optional field has "default": null`,
      ]),
    );
  });

  it('requires the envelope first and a file named after the record', () => {
    const event = testEvent();
    const { problems } = readSchemaTree(
      tempSchemaTree({ 'assistance/wrong-name.avsc': { ...event, fields: (event as { fields: object[] }).fields.slice(1) } }),
    );
    expect(problems).toContain('assistance/wrong-name.avsc: file name must be thing-happened.avsc');
    expect(problems).toContain('assistance/wrong-name.avsc: the first field is "envelope" of type mz.common.Envelope');
  });

  it('detects a published version that was edited after publishing', () => {
    const dir = tempSchemaTree(
      { 'assistance/thing-happened.avsc': testEvent() },
      { 'published/mz.assistance.ThingHappened/v1-0000000000000000.avsc': { type: 'record', name: 'mz.assistance.ThingHappened', fields: [] } },
    );
    const { problems } = readSchemaTree(dir);
    expect(problems.some((problem) => problem.includes('a published version was edited'))).toBe(true);
  });
});
