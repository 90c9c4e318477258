/**
 * The alerting service's configuration, read once from the environment (see README). A bad or
 * missing value — a routing table that does not validate — stops start-up naming each problem.
 */
import { readFileSync } from 'node:fs';
import { env } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';
import { RoutingTable } from './routing/routing-table.js';
import { webhooksVariable } from './webhooks/webhook-config.js';

export const DEFAULT_ROUTING_FILE = new URL('../config/routing.json', import.meta.url).pathname;

export const loadRoutingFile = (path: string): RoutingTable => RoutingTable.fromJson(readFileSync(path, 'utf8'));

export const configSpec = {
  ...serviceConfigSpec(3107),
  MZ_ROUTING_FILE: env.custom<RoutingTable>('routing table (JSON file: routes, deadlines per urgency, escalation, staff directory); validated on load', loadRoutingFile, { default: loadRoutingFile(DEFAULT_ROUTING_FILE) }),
  MZ_FLAG_TOPICS: env.list('topics of the flag events', { default: ['mz.data-sharing.flags'] }),
  MZ_FLAG_CONSUMER_GROUP: env.string('consumer group of the flag consumer', { default: 'alerting-flags' }),
  MZ_FLAG_CONSUMER: env.bool('run the flag consumer in this instance', { default: true }),
  MZ_ESCALATION_INTERVAL_MS: env.int('how often the escalator looks for passed deadlines (ms)', { default: 5_000, min: 50, max: 3_600_000 }),
  MZ_ESCALATOR: env.bool('run the escalator in this instance (any number may: each escalation is written once)', { default: true }),
  MZ_WEBHOOKS: webhooksVariable,
  MZ_STREAM_POLL_MS: env.int('how often the live stream looks for entries written by other instances (ms)', { default: 250, min: 20, max: 10_000 }),
};
