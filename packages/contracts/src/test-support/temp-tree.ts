/** Test support: a throw-away schemas/ tree with the real common types and chosen events. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REAL_SCHEMAS_DIR = fileURLToPath(new URL('../../../../schemas', import.meta.url));

export function tempSchemaTree(events: Record<string, object>, published: Record<string, object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-schemas-'));
  cpSync(join(REAL_SCHEMAS_DIR, 'common'), join(dir, 'common'), { recursive: true });
  for (const [file, json] of Object.entries({ ...events, ...published })) {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, JSON.stringify(json, null, 2));
  }
  return dir;
}

/** A small, valid event in the house style, to be varied by tests. */
export function testEvent(extraFields: object[] = [], overrides: object = {}): object {
  return {
    type: 'record',
    name: 'ThingHappened',
    namespace: 'mz.assistance',
    eventType: 'assistance.thing-happened',
    topic: 'mz.assistance.events',
    doc: '测试事件 — a test event.',
    fields: [
      { name: 'envelope', type: 'mz.common.Envelope', doc: '事件信封 — envelope.' },
      { name: 'amountFen', type: 'long', doc: '金额(分) — amount in fen.' },
      { name: 'applicantName', type: 'string', pii: true, doc: '申请人姓名 — applicant name.' },
      {
        name: 'members',
        doc: '家庭成员 — members.',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'Member',
            doc: '成员 — a member.',
            fields: [
              { name: 'person', type: 'mz.common.PersonRef', doc: '人员 — person.' },
              { name: 'phone', type: ['null', 'string'], default: null, pii: true, doc: '电话 — phone.' },
            ],
          },
        },
      },
      { name: 'decidedOn', type: ['null', { type: 'int', logicalType: 'date' }], default: null, doc: '决定日期 — decision date.' },
      ...extraFields,
    ],
    ...overrides,
  };
}

export function testValue(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    envelope: {
      eventId: '0b8f2a52-4c1e-4f7e-9d8a-2f1c3b4a5d6e',
      occurredAt: new Date('2026-03-01T08:30:00.000Z'),
      recordedAt: new Date('2026-03-01T08:31:00.000Z'),
      source: { department: 'CIVIL_AFFAIRS_ASSISTANCE', system: 'assistance-service', recordId: 'A-1' },
      region: { countyCode: '442000', townCode: '442000001', villageCode: null },
      person: { personKey: 'a'.repeat(64), idNumber: '44200019460101123X', name: '张三' },
      household: { householdId: 'H-1' },
      correlationId: null,
      causationId: null,
    },
    amountFen: 112_000,
    applicantName: '张三',
    members: [
      { person: { personKey: 'b'.repeat(64), idNumber: '442000201001011234', name: '李四' }, phone: '13812345678' },
      { person: { personKey: 'c'.repeat(64), idNumber: '442000201201011234', name: null }, phone: null },
    ],
    decidedOn: '2026-03-02',
    ...overrides,
  };
}
