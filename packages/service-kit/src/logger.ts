/**
 * pino, the only logger, with personal data redacted. The field names come from the schemas:
 * every field tagged `"pii": true` in `schemas/` (ID numbers, names, phones, addresses, notes,
 * diagnoses...) is censored wherever it appears in a log line up to four levels deep, plus auth
 * headers and cookies. Event values logged whole should go through `redactEvent` (contracts)
 * first; these paths are the safety net.
 */
import { CATALOG } from '@minzheng/contracts';
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Last segments of every PII path in the catalog, plus the usual personal field names. */
export function personalFieldNames(): string[] {
  const names = new Set<string>(['idNumber', 'phone', 'mobile', 'address', 'contactPhone', 'bankAccount']);
  for (const event of CATALOG.events) {
    for (const path of event.piiPaths) {
      const last = path.split('.').at(-1);
      if (last) names.add(last.replace(/\[\]$/u, ''));
    }
  }
  return [...names].sort();
}

/** pino `redact` paths: auth headers, and each personal field name one to four levels deep. */
export function redactPaths(): string[] {
  const paths = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', 'headers.authorization'];
  for (const name of personalFieldNames()) {
    // Not at the top level: pino's own `name` (the logger name) lives there.
    paths.push(`*.${name}`, `*.*.${name}`, `*.*.*.${name}`, `*.*.*.*.${name}`);
  }
  return paths;
}

export interface LoggerSettings {
  readonly service: string;
  readonly level?: string;
  /** Where lines go (tests capture them); stdout by default. */
  readonly destination?: NodeJS.WritableStream;
}

export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  return {
    name: settings.service,
    level: settings.level ?? 'info',
    redact: { paths: redactPaths(), censor: '[已脱敏 redacted]' },
    base: { service: settings.service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(settings: LoggerSettings): Logger {
  const options = loggerOptions(settings);
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
