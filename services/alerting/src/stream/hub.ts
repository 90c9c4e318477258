/**
 * The stream hub (实时推送): fans the stream log out to the connected consoles of this instance.
 *
 * One reader follows the log for the whole instance — woken at once by a local write (`nudge`),
 * and polling every `pollMs` for what other instances wrote — and hands each entry to every
 * connection it concerns. A connection that resumes (`Last-Event-ID`) first reads its backlog from
 * the log, then takes the live entries that came meanwhile: in order, none twice, none lost.
 *
 * Gaps: a sequence number taken but not yet written (a writer between its reservation and its
 * insert) holds the reader for up to `gapWaitMs` (default 10 s); after that the reader goes on and
 * keeps looking for the missing numbers for `lateWindowMs` (default 5 minutes): an entry written
 * late (a very slow writer) is still delivered, once. A number never written (the writer died) is
 * given up after that window; its alert is still in the inbox.
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
  /** Their area in the staff directory (the role's queue there); null when not listed. */
  readonly area: string | null;
  /** Whether they may see children's cases (child-protection staff, supervisors, admins). */
  readonly seesChildCases: boolean;
}

/** Whether `entry` belongs on `viewer`'s stream: theirs by name, their role's queue in their area, or taken from them. */
export function concerns(entry: StreamEntry, viewer: Viewer): boolean {
  if (!entry.regionCode.startsWith(viewer.jurisdiction) || (entry.childCase && !viewer.seesChildCases)) return false;
  const holds = (role: WorkerRole, caseworkerId: string | null) => caseworkerId === viewer.subject || (caseworkerId === null && role === viewer.workerRole && viewer.area !== null && entry.regionCode.startsWith(viewer.area));
  return holds(entry.assigneeRole, entry.caseworkerId) || (entry.previous !== null && holds(entry.previous.role, entry.previous.caseworkerId));
}

interface Connection {
  readonly viewer: Viewer;
  readonly send: (entry: StreamEntry) => void;
  /** Ends the response (on stop). */
  readonly end: () => void;
  readonly closed: () => boolean;
  lastSent: number;
  /** Live entries that came while the backlog was read. */
  pending: StreamEntry[] | null;
}

export interface StreamHubOptions {
  readonly log: StreamLog;
  readonly pollMs?: number;
  readonly gapWaitMs?: number;
  /** How long numbers passed at a gap are still looked for (ms). */
  readonly lateWindowMs?: number;
  readonly logger?: Pick<Logger, 'warn' | 'error'>;
}

export interface StreamHubMetrics {
  readonly connections: number;
  readonly position: number;
  readonly delivered: number;
  readonly gapsPassed: number;
  /** Entries delivered after their gap was passed (written late). */
  readonly lateDelivered: number;
}

export class StreamHub {
  private readonly connections = new Set<Connection>();
  private position = 0;
  private delivered = 0;
  private gapsPassed = 0;
  private gapSince: number | null = null;
  /** Numbers passed at a gap, and when: looked for until `lateWindowMs` after. */
  private readonly missing = new Map<number, number>();
  private lateDelivered = 0;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | null = null;
  private again = false;
  private running = false;

  constructor(private readonly options: StreamHubOptions) {}

  async start(): Promise<void> {
    // From the last entry written: numbers reserved by a writer still at work are ahead of it (a gap the reader waits at).
    this.position = await this.options.log.lastWritten();
    this.running = true;
    this.schedule();
  }

  /** Stops reading and ends every open stream (a console reconnects elsewhere with its Last-Event-ID). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.reading;
    for (const connection of this.connections) connection.end();
    this.connections.clear();
  }

  metrics(): StreamHubMetrics {
    return { connections: this.connections.size, position: this.position, delivered: this.delivered, gapsPassed: this.gapsPassed, lateDelivered: this.lateDelivered };
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
  async subscribe(viewer: Viewer, from: number | null, send: (entry: StreamEntry) => void, socket: { readonly end?: () => void; readonly closed?: () => boolean } = {}): Promise<() => void> {
    const connection: Connection = { viewer, send, end: socket.end ?? (() => undefined), closed: socket.closed ?? (() => false), lastSent: from ?? this.position, pending: from === null ? null : [] };
    this.connections.add(connection);
    const disconnect = () => {
      this.connections.delete(connection);
    };
    if (from === null) return disconnect;
    const until = this.position;
    let cursor = from;
    try {
      while (cursor < until && this.connections.has(connection) && !connection.closed()) {
        const page = await this.options.log.after(cursor, 500, until);
        for (const entry of page) this.deliver(connection, entry);
        // A page of holes (numbers never written) moves on by its width.
        cursor = page[page.length - 1]?.seq ?? Math.min(until, cursor + 500);
      }
    } catch (error) {
      disconnect();
      throw error;
    } finally {
      const pending = connection.pending ?? [];
      connection.pending = null;
      for (const entry of pending) this.deliver(connection, entry);
    }
    return disconnect;
  }

  private deliver(connection: Connection, entry: StreamEntry, late = false): void {
    if (connection.closed()) return;
    if (late) {
      // Written after the stream went past its number: sent now, out of order, to whoever it concerns.
      if (!concerns(entry, connection.viewer)) return;
      this.delivered += 1;
      connection.send(entry);
      return;
    }
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

  /** Entries written under numbers passed at a gap: delivered late, once; numbers given up after the window. */
  private async lookForLate(): Promise<void> {
    if (this.missing.size === 0) return;
    const now = Date.now();
    for (const [seq, since] of this.missing) if (now - since > (this.options.lateWindowMs ?? 300_000)) this.missing.delete(seq);
    const found = await this.options.log.bySeqs([...this.missing.keys()].slice(0, 1_000));
    for (const entry of found) {
      this.missing.delete(entry.seq);
      this.lateDelivered += 1;
      for (const connection of this.connections) {
        if (connection.pending !== null) connection.pending.push(entry);
        else this.deliver(connection, entry, true);
      }
    }
  }

  private async read(): Promise<void> {
    try {
      pages: for (;;) {
        let page = await this.options.log.after(this.position, 500);
        if (page.length === 0) {
          // Nothing in the next 500 numbers: the end of the log — or a run of holes longer than a page.
          if ((await this.options.log.last()) <= this.position + 500) break;
          const next = await this.options.log.firstAfter(this.position);
          if (next === null) break;
          page = [next];
        }
        for (const entry of page) {
          if (entry.seq !== this.position + 1) {
            // A number taken and not yet written: wait for it a while, then pass it.
            this.gapSince ??= Date.now();
            if (Date.now() - this.gapSince < (this.options.gapWaitMs ?? 10_000)) break pages;
            this.options.logger?.warn({ from: this.position + 1, to: entry.seq - 1 }, 'stream log gap passed (numbers reserved and not written yet): looked for a while longer');
            this.gapsPassed += entry.seq - this.position - 1;
            for (let seq = this.position + 1; seq < entry.seq; seq += 1) this.missing.set(seq, Date.now());
          }
          this.gapSince = null;
          this.position = entry.seq;
          for (const connection of this.connections) {
            if (connection.pending !== null) connection.pending.push(entry);
            else this.deliver(connection, entry);
          }
        }
        if (page.length < 500) break;
      }
      await this.lookForLate();
    } catch (error) {
      this.options.logger?.error({ err: error }, 'stream log read failed; retrying');
    }
  }
}
