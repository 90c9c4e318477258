// kafkajs is CommonJS and ends its exports with a spread, which Node's ESM loader cannot see
// through: take the default export and destructure it.
import kafkajs, { type Kafka as KafkaClient, type KafkaConfig, type logCreator } from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

/** The logging surface the bus needs; a pino logger satisfies it. */
export interface BusLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface KafkaClientOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Where kafkajs logs go; without one the client is silent (probes, CLIs). */
  readonly logger?: BusLogger;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** kafkajs retry budget for connecting and for retriable requests. */
  readonly retries?: number;
}

/**
 * Parses a `KAFKA_BROKERS` value (`host:port[,host:port...]`). Throws an Error naming the bad
 * entry, so a configuration mistake is reported once, at start-up, in words.
 */
export function parseBrokers(value: string): string[] {
  const brokers = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is empty: expected host:port[,host:port...]');
  for (const broker of brokers) {
    const match = /^([^:\s]+):(\d{1,5})$/.exec(broker);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65_535) {
      throw new Error(`KAFKA_BROKERS entry "${broker}" is not host:port with a port between 1 and 65535`);
    }
  }
  return brokers;
}

function toLogCreator(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...extra } = log;
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/** The one place a kafkajs client is made. */
export function createKafka(options: KafkaClientOptions): KafkaClient {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: options.retries ?? 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    ...(options.logger
      ? { logLevel: logLevel.INFO, logCreator: toLogCreator(options.logger) }
      : { logLevel: logLevel.NOTHING }),
  };
  return new Kafka(config);
}
