/**
 * The data-sharing service's configuration, read once from the environment (see README). A bad or
 * missing value stops start-up with a message naming each variable.
 */
import { TOPICS } from '@minzheng/event-bus/topics';
import { env } from '@minzheng/service-kit/config';
import { serviceConfigSpec } from '@minzheng/service-kit/service';
import { DEPARTMENTS } from './projection/departments.js';
import { DEFAULT_PRECEDENCE, parsePrecedence, type Precedence } from './projection/precedence.js';
import { OWN_OUTPUT_TOPICS } from './projection/projection-consumer.js';
import { DEFAULT_PARAMETERS, parseParameters, type RuleParameters } from './rules/parameters.js';

export const DEFAULT_PROJECTION_TOPICS = TOPICS.map((topic) => topic.name).filter((name) => !OWN_OUTPUT_TOPICS.has(name));

export const configSpec = {
  ...serviceConfigSpec(3106),
  MZ_PROJECTION_CONSUMER: env.bool('run the projection consumer (false: serve the API only; another instance projects)', { default: true }),
  MZ_PROJECTION_GROUP: env.string('consumer group of the projection', { default: 'data-sharing-projection' }),
  MZ_PROJECTION_TOPICS: env.list('topics the projection reads (default: every department, exchange and reference topic)', { default: DEFAULT_PROJECTION_TOPICS }),
  MZ_PROJECTION_BATCH: env.int('events per projection batch', { default: 500, min: 1, max: 5_000 }),
  MZ_SOURCE_PRECEDENCE: env.custom<Precedence>('per-field source precedence, JSON {field: [department, ...]} (replaces the default list of each field named)', (raw) => parsePrecedence(raw, DEPARTMENTS), { default: DEFAULT_PRECEDENCE }),
  MZ_RULES: env.bool('run the 政策找人 rules on every refreshed subject (needs the projection consumer here)', { default: true }),
  MZ_RULE_PARAMETERS: env.custom<RuleParameters>('rule parameters, JSON {name: value} (replaces the defaults named; see GET /rules)', parseParameters, { default: DEFAULT_PARAMETERS }),
  MZ_SCHEDULER_INTERVAL_MS: env.int('how often the time-driven scheduler looks for due wake-ups (ms)', { default: 30_000, min: 100, max: 3_600_000 }),
  MZ_OUTCOME_CONSUMER: env.bool('record the alerting service\'s outcomes on the flags (false: another instance does)', { default: true }),
  MZ_OUTCOME_TOPICS: env.list('topics of the alerting service\'s events (outcomes)', { default: ['mz.alerting.alert-events'] }),
  MZ_OUTCOME_GROUP: env.string('consumer group of the outcome consumer', { default: 'data-sharing-outcomes' }),
  MZ_SMALL_CELL_THRESHOLD: env.int('statistics cells below this count are shown as "<N" to analysts', { default: 5, min: 1, max: 100 }),
};
