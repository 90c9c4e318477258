/* eslint-disable @typescript-eslint/no-unsafe-member-access -- the test pokes holes into a JSON document */
import { describe, expect, it } from 'vitest';
import { fromJsonForm, toJsonForm } from './json-form.js';
import { evolvedRegistries } from './test-support/registry.js';
import { testValue } from './test-support/temp-tree.js';

const { v2 } = evolvedRegistries();
const schema = v2.event('assistance.thing-happened').schema;

describe('the JSON form', () => {
  it('is the value with ISO timestamps, and converts back to the value', () => {
    const value = { ...testValue(), note: null };
    const json = toJsonForm(value) as { envelope: { occurredAt: unknown } };
    expect(json.envelope.occurredAt).toBe('2026-03-01T08:30:00.000Z');
    const back = fromJsonForm(schema, JSON.parse(JSON.stringify(json)));
    expect(back.problems).toEqual([]);
    expect(back.value).toEqual(value);
  });

  it('fills an omitted field that has a default', () => {
    const json = toJsonForm(testValue()) as Record<string, unknown>;
    const result = fromJsonForm(schema, json);
    expect(result.problems).toEqual([]);
    expect((result.value as { note: unknown }).note).toBeNull();
  });

  it('names every problem by path and rule', () => {
    const json = toJsonForm(testValue()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
    json.envelope.eventId = 'not-a-uuid';
    json.envelope.person.personKey = 'abc';
    json.envelope.occurredAt = '2026-03-01 08:30';
    json.envelope.source.department = 'MINISTRY_OF_MAGIC';
    delete json.envelope.region.countyCode;
    json.amountFen = '112000';
    json.decidedOn = '2026-02-30';
    json.members[1].person = null;
    json.surprise = true;
    const { problems } = fromJsonForm(schema, json);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'surprise', rule: 'is not a field of ThingHappened' },
        { path: 'envelope.eventId', rule: 'must be a UUID' },
        { path: 'envelope.person.personKey', rule: 'must be 64 lowercase hex digits' },
        { path: 'envelope.occurredAt', rule: 'must be an ISO-8601 timestamp with a time zone, e.g. 2026-03-01T08:30:00.000Z' },
        { path: 'envelope.source.department', rule: expect.stringMatching(/^must be one of CIVIL_AFFAIRS_ASSISTANCE, /) as string },
        { path: 'envelope.region.countyCode', rule: 'is required' },
        { path: 'amountFen', rule: 'must be an integer (at most 2^53 in magnitude)' },
        { path: 'decidedOn', rule: 'must be a calendar date YYYY-MM-DD' },
        { path: 'members[1].person', rule: 'must be an object (mz.common.PersonRef)' },
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('refuses a non-object event', () => {
    expect(fromJsonForm(schema, [1, 2]).problems).toEqual([{ path: '(event)', rule: 'must be an object (ThingHappened)' }]);
  });
});
