import { describe, expect, it } from 'vitest';
import { waitFor } from '@minzheng/testing';
import { StreamHub, concerns, type Viewer } from './hub.js';
import { entryId, type StreamEntry, type StreamLog } from './stream-log.js';

/** The log in memory (unit test): entries written under numbers, read as the store reads them. */
class MemoryLog {
  readonly entries = new Map<number, StreamEntry>();
  last(): Promise<number> {
    return Promise.resolve(Math.max(0, ...this.entries.keys()));
  }
  lastWritten(): Promise<number> {
    return Promise.resolve(0);
  }
  firstAfter(seq: number): Promise<StreamEntry | null> {
    return this.after(seq, Number.MAX_SAFE_INTEGER).then((entries) => entries[0] ?? null);
  }
  write(seq: number, caseworkerId = 'gw-1'): void {
    this.entries.set(seq, { _id: entryId(seq), seq, at: new Date(), kind: 'ALERT', alertId: `a-${String(seq)}`, regionCode: '442000101002', childCase: false, assigneeRole: 'GRID_WORKER', caseworkerId, previous: null, alert: {} as StreamEntry['alert'] });
  }
  after(seq: number, limit: number, until?: number): Promise<StreamEntry[]> {
    const upper = Math.min(until ?? Number.MAX_SAFE_INTEGER, seq + limit);
    return Promise.resolve([...this.entries.values()].filter((entry) => entry.seq > seq && entry.seq <= upper).sort((a, b) => a.seq - b.seq).slice(0, limit));
  }
  bySeqs(seqs: readonly number[]): Promise<StreamEntry[]> {
    return Promise.resolve(seqs.map((seq) => this.entries.get(seq)).filter((entry): entry is StreamEntry => entry !== undefined));
  }
}

const viewer: Viewer = { subject: 'gw-1', jurisdiction: '442000101002', workerRole: 'GRID_WORKER', area: '442000101002', seesChildCases: false };

describe('the stream hub', () => {
  it('holds at a gap, passes it after gapWaitMs, and still delivers the entry written late, once', async () => {
    const log = new MemoryLog();
    const hub = new StreamHub({ log: log as unknown as StreamLog, pollMs: 10, gapWaitMs: 80, lateWindowMs: 10_000 });
    await hub.start();
    const got: number[] = [];
    await hub.subscribe(viewer, null, (entry) => got.push(entry.seq));
    log.write(1);
    log.write(2);
    log.write(4);
    hub.nudge();
    await waitFor(() => got.length >= 2, { timeoutMs: 2_000 });
    expect(got).toEqual([1, 2]);
    await waitFor(() => got.includes(4), { timeoutMs: 2_000, description: 'the entry after the gap' });
    expect(hub.metrics().gapsPassed).toBe(1);
    log.write(3);
    await waitFor(() => got.includes(3), { timeoutMs: 2_000, description: 'the late entry' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got).toEqual([1, 2, 4, 3]);
    expect(hub.metrics().lateDelivered).toBe(1);
    await hub.stop();
  });

  it('resumes from a number: the backlog, then the live entries, none twice; only what concerns the viewer', async () => {
    const log = new MemoryLog();
    for (const seq of [1, 2, 3]) log.write(seq);
    log.write(4, 'gw-other');
    const hub = new StreamHub({ log: log as unknown as StreamLog, pollMs: 10 });
    await hub.start();
    const got: number[] = [];
    await hub.subscribe(viewer, 1, (entry) => got.push(entry.seq));
    log.write(5);
    hub.nudge();
    await waitFor(() => got.includes(5), { timeoutMs: 2_000 });
    expect(got).toEqual([2, 3, 5]);
    await hub.stop();
  });

  it('tells who an entry concerns: by name, the role queue in the area, the one it was taken from', () => {
    const entry = { regionCode: '442000101002', childCase: false, assigneeRole: 'SUPERVISOR', caseworkerId: 'sup-1', previous: { role: 'GRID_WORKER', caseworkerId: 'gw-1' } } as StreamEntry;
    const supervisor = (subject: string, jurisdiction: string): Viewer => ({ subject, jurisdiction, workerRole: 'SUPERVISOR', area: jurisdiction, seesChildCases: true });
    expect(concerns(entry, viewer)).toBe(true);
    expect(concerns(entry, supervisor('sup-1', '442000101'))).toBe(true);
    expect(concerns(entry, supervisor('sup-1', '442000102'))).toBe(false);
    const queued = { ...entry, caseworkerId: null, previous: null };
    expect(concerns(queued, supervisor('sup-2', '442000101'))).toBe(true);
    // The role's queue is for the members whose area contains the region.
    expect(concerns(queued, supervisor('sup-3', '442000101009'))).toBe(false);
    expect(concerns(queued, { subject: 'gw-2', jurisdiction: '442000101', workerRole: 'GRID_WORKER', area: '442000101', seesChildCases: false })).toBe(false);
    // A child's case: child-protection staff and supervisors only.
    expect(concerns({ ...entry, childCase: true }, viewer)).toBe(false);
    expect(concerns({ ...entry, childCase: true }, supervisor('sup-1', '442000101'))).toBe(true);
  });
});
