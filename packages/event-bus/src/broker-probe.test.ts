import { describe, expect, it } from 'vitest';
import { parseApiVersionsV0 } from './broker-probe.js';

function frame(correlationId: number, errorCode: number, entries: [number, number, number][]): Buffer {
  const buffer = Buffer.alloc(10 + entries.length * 6);
  buffer.writeInt32BE(correlationId, 0);
  buffer.writeInt16BE(errorCode, 4);
  buffer.writeInt32BE(entries.length, 6);
  entries.forEach(([key, min, max], i) => {
    buffer.writeInt16BE(key, 10 + i * 6);
    buffer.writeInt16BE(min, 12 + i * 6);
    buffer.writeInt16BE(max, 14 + i * 6);
  });
  return buffer;
}

describe('parseApiVersionsV0', () => {
  it('reads every api key with its version range', () => {
    expect(parseApiVersionsV0(frame(7, 0, [[0, 0, 11], [80, 0, 0]]), 7)).toEqual([
      { apiKey: 0, minVersion: 0, maxVersion: 11 },
      { apiKey: 80, minVersion: 0, maxVersion: 0 },
    ]);
  });

  it('rejects an answer to another request', () => {
    expect(() => parseApiVersionsV0(frame(8, 0, []), 7)).toThrow('correlation id 8, expected 7');
  });

  it('rejects a broker error code', () => {
    expect(() => parseApiVersionsV0(frame(7, 35, []), 7)).toThrow('error code 35');
  });

  it('rejects a truncated answer', () => {
    expect(() => parseApiVersionsV0(frame(7, 0, [[0, 0, 11]]).subarray(0, 12), 7)).toThrow('truncated');
    expect(() => parseApiVersionsV0(Buffer.alloc(4), 7)).toThrow('too short');
  });
});
