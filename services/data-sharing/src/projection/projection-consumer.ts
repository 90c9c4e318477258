/**
 * The consumer group that builds the thematic database from every department topic. Each fetched
 * batch (up to `batchSize` events of one partition) is stored at once with inserts only
 * (`Projector`: two `insertMany` per batch instead of a read and a write per event); the summaries
 * follow (`SummaryRefresher`, running beside it, nudged after each batch). High-rate readings go to
 * `signals` only (a person's timeline would drown in water-meter readings); events about no person
 * and no household are kept in `other_events`. An event that cannot be projected (a broken person
 * reference, say) is dead-lettered with the reason by the bus, alone; the rest of its batch goes on.
 *
 * Delivery is at least once and the projection is idempotent and order-independent, so no
 * processed-events store is needed: a replay changes nothing.
 */
import type { ContractRegistry } from '@minzheng/contracts';
import { EventConsumer, NonRetriableError, type ConsumedEvent, type ConsumerOptions } from '@minzheng/event-bus/consumer';
import type { Keyring } from '@minzheng/identity/field-crypto';
import type { Connection } from 'mongoose';
import { contributionsOf } from './contributions.js';
import type { FoldCrypto } from './fold.js';
import type { Contribution, Scalar } from './model.js';
import type { Precedence } from './precedence.js';
import { insertNew } from '@minzheng/service-kit/repository';
import { Projector } from './projector.js';
import { SummaryRefresher } from './refresher.js';
import { REFERENCE_EVENT_TYPES } from '../rules/reference.js';
import type { Screener } from '../rules/screener.js';
import { Scheduler } from '../rules/scheduler.js';
import { READING_EVENT_TYPE, WaterUseStore, type Reading } from '../rules/water-use.js';

/** Event types stored only as signals (no timeline entry): readings arrive every hour per meter. */
export const SIGNAL_ONLY_EVENT_TYPES = new Set(['water.meter-reading-recorded']);

/** Topics the projection reads by default: every department's, the exchange's and the standards (not the platform's own outputs). */
export const OWN_OUTPUT_TOPICS = new Set(['mz.data-sharing.flags', 'mz.alerting.alert-events']);

export interface ProjectionConsumerOptions {
  readonly kafka: ConsumerOptions['kafka'];
  readonly registry: ContractRegistry;
  /** Decrypts the events' personal fields (the platform's field keys). */
  readonly keyring: Keyring;
  readonly connection: Connection;
  readonly precedence: Precedence;
  readonly crypto: FoldCrypto;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly batchSize?: number;
  readonly logger?: ConsumerOptions['logger'];
  readonly attempts?: number;
  /** Runs the 政策找人 rules on every refreshed subject, and re-screens after a standard or disaster (absent: no rules, e.g. a rebuild). */
  readonly screener?: Screener;
  /** How often the time-driven scheduler looks for due wake-ups (ms; with a screener that plans them). */
  readonly schedulerIntervalMs?: number;
}

/** The platform's own outputs (flags, alerts) are not facts about persons: never projected (their topics are not read; a shared test topic carries them too). */
const isOwnOutput = (eventType: string): boolean => eventType.startsWith('data-sharing.') || eventType.startsWith('alerting.');

export interface StoredEventRecord {
  _id: string;
  eventType: string;
  department: string;
  occurredAt: string;
  subjectKey: string | null;
  /** The regions the event is about (deepest codes): a standard's region, a disaster's affected areas, else the envelope's. */
  regionCodes: string[];
  summary: Record<string, Scalar>;
}

interface RegionLike {
  readonly countyCode?: unknown;
  readonly townCode?: unknown;
  readonly villageCode?: unknown;
}
const deepestCode = (region: RegionLike): string | null => {
  for (const code of [region.villageCode, region.townCode, region.countyCode]) if (typeof code === 'string' && code !== '') return code;
  return null;
};

function regionCodesOf(body: Record<string, unknown>, envelopeRegion: RegionLike): string[] {
  const regions = Array.isArray(body.affectedRegions) ? (body.affectedRegions as RegionLike[]) : body.region !== null && typeof body.region === 'object' ? [body.region as RegionLike] : [envelopeRegion];
  return [...new Set(regions.map(deepestCode).filter((code): code is string => code !== null))].sort();
}

const scalarSummary = (value: unknown): Record<string, Scalar> => {
  const out: Record<string, Scalar> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' || item === null) out[name] = item;
    else if (typeof item === 'bigint') out[name] = Number(item);
    else if (item instanceof Date) out[name] = item.toISOString();
  }
  return out;
};

function recordOf(event: ConsumedEvent): StoredEventRecord {
  const envelope = (event.value as { envelope: { occurredAt: Date; source: { department: string }; region: RegionLike; person: { personKey: string } | null; household: { householdId: string } | null } }).envelope;
  const { envelope: _envelope, ...body } = event.value as Record<string, unknown>;
  return {
    _id: event.eventId,
    eventType: event.eventType,
    department: envelope.source.department,
    occurredAt: envelope.occurredAt.toISOString(),
    subjectKey: envelope.household?.householdId ?? envelope.person?.personKey ?? null,
    regionCodes: regionCodesOf(body, envelope.region),
    // The non-personal scalar fields only (the record is about nobody in particular).
    // (A disaster's name names no person.)
    summary: Object.fromEntries(Object.entries(scalarSummary(body)).filter(([name]) => name === 'disasterName' || !/phone|description|note|name/iu.test(name))),
  };
}

/** A meter reading about a known subject (the household the meter serves, else the resident). */
function readingOf(event: ConsumedEvent, record: StoredEventRecord): Reading | null {
  const value = event.value as { envelope: { person: { personKey: string } | null; household: { householdId: string } | null }; intervalEnd: Date; consumptionLitres: number | bigint };
  const household = value.envelope.household?.householdId;
  const person = value.envelope.person?.personKey;
  const subject = household === undefined ? (person === undefined ? null : { kind: 'person' as const, key: person }) : { kind: 'household' as const, key: household };
  if (subject === null) return null;
  return {
    eventId: record._id,
    department: record.department,
    occurredAt: record.occurredAt,
    ...subject,
    intervalEnd: value.intervalEnd.toISOString(),
    consumptionLitres: Number(value.consumptionLitres),
  };
}

export class ProjectionConsumer {
  readonly projector: Projector;
  readonly refresher: SummaryRefresher;
  private readonly consumer: EventConsumer;
  /** Time-driven evaluation (with a screener that plans wake-ups). */
  readonly scheduler: Scheduler | null;
  private readonly waterUse: WaterUseStore;
  private running = false;
  private ownOutputsSkipped = 0;

  constructor(private readonly options: ProjectionConsumerOptions) {
    this.projector = new Projector(options.connection, options.crypto);
    this.waterUse = new WaterUseStore(options.connection);
    const screener = options.screener;
    const wakeups = screener?.wakeups;
    this.scheduler = screener === undefined || wakeups === undefined ? null : new Scheduler({
      store: wakeups,
      evaluate: async (due) => {
        await screener.screenDue(due);
      },
      now: screener.now,
      ...(options.schedulerIntervalMs === undefined ? {} : { intervalMs: options.schedulerIntervalMs }),
      onError: (error) => options.logger?.error({ err: error }, 'time-driven screening failed; retrying'),
    });
    this.refresher = new SummaryRefresher(options.connection, options.precedence, {
      onError: (error) => options.logger?.error({ err: error }, 'summary refresh failed; retrying'),
      ...(screener === undefined ? {} : { onRefreshed: (subjects) => screener.screen(subjects) }),
    });
    this.consumer = new EventConsumer({
      kafka: options.kafka,
      registry: options.registry,
      keyring: options.keyring,
      groupId: options.groupId,
      topics: options.topics,
      fromBeginning: true,
      batchSize: options.batchSize ?? 500,
      batchHandler: (events) => this.apply(events),
      maxWaitTimeInMs: 500,
      ...(options.attempts === undefined ? {} : { retry: { attempts: options.attempts } }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  /** The consumer group (a rebuild compares against its committed offsets). */
  get groupId(): string {
    return this.options.groupId;
  }

  async start(): Promise<void> {
    await this.options.screener?.reference.load(this.options.connection.collection<StoredEventRecord>('other_events'));
    this.refresher.start();
    await this.consumer.start();
    this.scheduler?.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.scheduler?.stop();
    await this.consumer.stop();
    await this.refresher.stop();
  }

  /** Resolves when every summary reflects what was stored (search and statistics are current). */
  idle(timeoutMs?: number): Promise<void> {
    return this.refresher.idle(timeoutMs);
  }

  /** Readiness: resolves while the consumer runs, with its counters. */
  ready(): Promise<unknown> {
    if (!this.running) return Promise.reject(new Error('the projection consumer is not running'));
    return Promise.resolve(this.metrics());
  }

  metrics() {
    return { ...this.consumer.metrics(), ownOutputsSkipped: this.ownOutputsSkipped, projector: { ...this.projector.metrics }, refresher: { ...this.refresher.metrics }, ...(this.options.screener === undefined ? {} : { screener: { ...this.options.screener.metrics } }) };
  }

  /** Applies a batch of events (also what a rebuild runs). */
  async apply(events: readonly ConsumedEvent[]): Promise<void> {
    const contributions: Contribution[] = [];
    const signals: StoredEventRecord[] = [];
    const readings: Reading[] = [];
    const others: StoredEventRecord[] = [];
    for (const event of events) {
      if (isOwnOutput(event.eventType)) {
        this.ownOutputsSkipped += 1;
        continue;
      }
      if (SIGNAL_ONLY_EVENT_TYPES.has(event.eventType)) {
        const record = recordOf(event);
        signals.push(record);
        if (event.eventType === READING_EVENT_TYPE) {
          const reading = readingOf(event, record);
          if (reading !== null) readings.push(reading);
        }
        continue;
      }
      let found: Contribution[];
      try {
        found = contributionsOf(event.eventType, event.value);
      } catch (error) {
        throw new NonRetriableError('DS_UNPROJECTABLE', `event ${event.eventId} (${event.eventType}) cannot be projected: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      if (found.length === 0) others.push(recordOf(event));
      contributions.push(...found);
    }
    const connection = this.options.connection;
    await Promise.all([insertNew(connection.collection<StoredEventRecord>('signals'), signals), insertNew(connection.collection<StoredEventRecord>('other_events'), others), this.projector.apply(contributions)]);
    this.projector.metrics.events += events.length;
    this.refresher.nudge();
    // A silence began: evaluated now (the readings are not on the summaries, so no refresh tells the screener).
    const silent = await this.waterUse.record(readings);
    if (silent.length > 0) await this.options.screener?.screen(silent.map((subject) => ({ ...subject, changed: new Set([READING_EVENT_TYPE]) })));
    await this.rescreenFor(others);
  }

  /** A new standard re-screens every household and person on the standards; a disaster, the subjects of its areas. */
  private async rescreenFor(records: readonly StoredEventRecord[]): Promise<void> {
    const screener = this.options.screener;
    const reference = records.filter((record) => (REFERENCE_EVENT_TYPES as readonly string[]).includes(record.eventType));
    if (screener === undefined || reference.length === 0) return;
    screener.reference.note(reference);
    if (reference.some((record) => record.eventType === 'reference.standard-changed')) await screener.screenAll({ changed: new Set(['standard']) });
    const areas = reference.filter((record) => record.eventType === 'emergency-management.disaster-declared').flatMap((record) => record.regionCodes);
    if (areas.length > 0) await screener.screenAll({ changed: new Set(['disaster']), regionCodes: areas });
  }
}
