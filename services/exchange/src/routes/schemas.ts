/**
 * 契约分发 (schema distribution): every event type with every published Avro schema version and
 * its fingerprint (CRC-64-AVRO of the canonical form, the one in each message's single-object
 * header), so a department can also produce to Kafka directly with the same contracts.
 */
import { Type } from '@fastify/type-provider-typebox';
import type { App } from '@minzheng/service-kit/app';
import { errorResponses } from '@minzheng/service-kit/routes';
import type { ExchangeDeps } from '../deps.js';
import { exchangeError } from '../errors.js';

const readers = ['department-system', 'caseworker', 'supervisor', 'analyst', 'admin', 'child-protection'] as const;
const Version = Type.Object({ version: Type.Integer(), fingerprint: Type.String({ description: 'CRC-64-AVRO 指纹（十六进制） (fingerprint, hex)' }) });
const SUMMARY_EXAMPLE = { eventType: 'public-security.death-registered', topic: 'mz.exchange.public-security', fullName: 'mz.public_security.DeathRegistered', currentVersion: 1, versions: [{ version: 1, fingerprint: '8c1b5f3e2a7d9c04' }] };

export function schemaRoutes(app: App, deps: ExchangeDeps): void {
  app.get('/schemas', {
    config: { roles: [...readers] },
    schema: {
      tags: ['schemas'],
      summary: '全部事件类型及其已发布的 Avro 版本与指纹 (every event type, its published versions and fingerprints)',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ eventType: Type.String(), topic: Type.String(), fullName: Type.String(), currentVersion: Type.Integer(), versions: Type.Array(Version) })) }, { examples: [{ items: [SUMMARY_EXAMPLE] }] }), ...errorResponses },
    },
  }, () => ({
    items: deps.registry.catalog.events.map((entry) => ({
      eventType: entry.eventType,
      topic: entry.topic,
      fullName: entry.fullName,
      currentVersion: deps.registry.event(entry.eventType).version,
      versions: entry.published.map((published) => ({ version: published.version, fingerprint: published.fingerprint })),
    })),
  }));

  app.get('/schemas/:eventType', {
    config: { roles: [...readers] },
    schema: {
      tags: ['schemas'],
      summary: '某事件类型的全部 Avro 版本（含完整 schema） (one event type: every published version with its full schema)',
      params: Type.Object({ eventType: Type.String() }),
      response: {
        200: Type.Object(
          { eventType: Type.String(), topic: Type.String(), currentVersion: Type.Integer(), piiPaths: Type.Array(Type.String(), { description: '个人信息字段（加密传输） (personal fields, encrypted on the wire)' }), versions: Type.Array(Type.Object({ ...Version.properties, schema: Type.Unknown() })) },
          { examples: [{ eventType: SUMMARY_EXAMPLE.eventType, topic: SUMMARY_EXAMPLE.topic, currentVersion: 1, piiPaths: ['envelope.person.idNumber', 'envelope.person.name'], versions: [{ version: 1, fingerprint: '8c1b5f3e2a7d9c04', schema: { type: 'record', name: 'DeathRegistered', namespace: 'mz.public_security', fields: [] } }] }] },
        ),
        ...errorResponses,
      },
    },
  }, (request) => {
    const entry = deps.registry.catalog.events.find((candidate) => candidate.eventType === request.params.eventType);
    if (entry === undefined) throw exchangeError('EXCH_UNKNOWN_EVENT_TYPE', `事件类型不存在 (no event type ${request.params.eventType})`, { field: 'eventType', rule: 'must be a cataloged event type' });
    return {
      eventType: entry.eventType,
      topic: entry.topic,
      currentVersion: deps.registry.event(entry.eventType).version,
      piiPaths: [...entry.piiPaths],
      versions: entry.published.map((published) => ({ version: published.version, fingerprint: published.fingerprint, schema: published.schema ?? entry.schema })),
    };
  });
}
