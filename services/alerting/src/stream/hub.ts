/**
 * The stream hub (实时推送): fans the stream log out to the connected consoles of this instance.
 *
 * One reader follows the log for the whole instance — woken at once by a local write (`nudge`),
 * and polling every `pollMs` for what other instances wrote — and hands each entry to every
 * connection it concerns. A connection that resumes (`Last-Event-ID`) first reads its backlog from
 * the log, then takes the live entries that came meanwhile: in order, none twice, none lost.
 *
 * Gaps: a sequence number taken but not yet written (another writer between its `$inc` and its
 * insert) holds the reader for up to `gapWaitMs`; after that the number is passed as lost (the
 * writer died; its alert is still in the inbox).
 */
import type { WorkerRole } from '@minzheng/contracts';
import type { Logger } from 'pino';
import type { StreamEntry, StreamLog } from './stream-log.js';

/** Who a stream is for. */
export interface Viewer {
  readonly subject: string;
  readonly jurisdiction: string;
  /** Their role in the staff directory (null: not listed — they see what is assigned to them by name). */
  readonly workerRole: WorkerRole | null;
}

/** Whether `entry` belongs on `viewer`'s stream: theirs by name, their role's queue in their area, or taken from them. */
export function concerns(entry: StreamEntry, viewer: Viewer): boolean {
  if (!entry.regionCode.startsWith(viewer.jurisdiction)) return false;
  const holds = (role: WorkerRole, caseworkerId: string | null) => caseworkerId === viewer.subject || (caseworkerId === null && role === viewer.workerRole);
  return holds(entry.assigneeRole, entry.caseworkerId) || (entry.previous !== null && holds(entry.previous.role, entry.previous.caseworkerId));
}

interface Connection {
  readonly viewer: Viewer;
  readonly send: (entry: StreamEntry) => void;
  lastSent: number;
  /** Live entries that came while the backlog was read. */
  pending: StreamEntry[] | null;
}

export interface StreamHubOptions {
  readonly log: StreamLog;
  readonly pollMs?: number;
  readonly gapWaitMs?: number;
  readonly logger?: Pick<Logger, 'warn' | 'error'>;
}

export interface StreamHubMetrics {
  readonly connections: number;
  readonly position: number;
  readonly delivered: number;
  readonly gapsPassed: number;
}

export class StreamHub {
  private readonly connections = new Set<Connection>();
  private position = 0;
  private delivered = 0;
  private gapsPassed = 0;
  private gapSince: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  private running = false;

  constructor(private readonly options: StreamHubOptions) {}

  async start(): Promise<void> {
    this.position = await this.options.log.last();
    this.running = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.reading;
    this.connections.clear();
  }

  metrics(): StreamHubMetrics {
    return { connections: this.connections.size, position: this.position, delivered: this.delivered, gapsPassed: this.gapsPassed };
  }

  /** A local write happened: read the log now. */
  nudge(): void {
    if (!this.running) return;
    if (this.reading !== null) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.reading = this.read().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      } else this.schedule();
    });
  }

  /**
   * Connects `viewer`: entries after `from` (a resume) and then live ones, to `send`, in order.
   * Without `from`, live entries only. Returns the disconnect.
   */
  async subscribe(viewer: Viewer, from: number | null, send: (entry: StreamEntry) => void): Promise<() => void> {
    const connection: Connection = { viewer, send, lastSent: from ?? this.position, pending: from === null ? null : [] };
    this.connections.add(connection);
    const disconnect = () => {
      this.connections.delete(connection);
    };
    if (from === null) return disconnect;
    const until = this.position;
    let cursor = from;
    try {
      while (cursor < until && this.connections.has(connection)) {
        const page = await this.options.log.after(cursor, 500, until);
        if (page.length === 0) break;
        for (const entry of page) this.deliver(connection, entry);
        cursor = page[page.length - 1]?.seq ?? until;
      }
    } finally {
      const pending = connection.pending ?? [];
      connection.pending = null;
      for (const entry of pending) this.deliver(connection, entry);
    }
    return disconnect;
  }

  private deliver(connection: Connection, entry: StreamEntry): void {
    if (entry.seq <= connection.lastSent) return;
    connection.lastSent = entry.seq;
    if (!concerns(entry, connection.viewer)) return;
    this.delivered += 1;
    connection.send(entry);
  }

  private schedule(): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.nudge();
    }, this.options.pollMs ?? 250);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    try {
      for (;;) {
        const page = await this.options.log.after(this.position, 500);
        if (page.length === 0) return;
        for (const entry of page) {
          if (entry.seq !== this.position + 1) {
            // A number taken and not yet written: wait for it a while, then pass it.
            this.gapSince ??= Date.now();
            if (Date.now() - this.gapSince < (this.options.gapWaitMs ?? 2_000)) return;
            this.options.logger?.warn({ from: this.position + 1, to: entry.seq - 1 }, 'stream log gap passed (a writer took sequence numbers and wrote nothing)');
            this.gapsPassed += entry.seq - this.position - 1;
          }
          this.gapSince = null;
          this.position = entry.seq;
          for (const connection of this.connections) {
            if (connection.pending !== null) connection.pending.push(entry);
            else this.deliver(connection, entry);
          }
        }
        if (page.length < 500) return;
      }
    } catch (error) {
      this.options.logger?.error({ err: error }, 'stream log read failed; retrying');
    }
  }
}
