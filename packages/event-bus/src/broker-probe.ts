import { connect } from 'node:net';

/** One entry of a broker's ApiVersions answer: an API key and the versions it accepts. */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** Kafka protocol API keys worth naming when checking what a broker is. */
export const API_KEYS = {
  ApiVersions: 18,
  DescribeQuorum: 55,
  DescribeCluster: 60,
  ConsumerGroupHeartbeat: 68,
  /** KIP-853 dynamic KRaft quorum, added in Apache Kafka 3.9. */
  AddRaftVoter: 80,
} as const;

const API_VERSIONS_REQUEST_V0 = 0;

/**
 * Sends a raw ApiVersions v0 request to one broker (`host:port`) and returns the API version
 * ranges it supports. This is what a real Kafka broker answers before anything else; a test
 * double or a wrong port does not. Fails after `timeoutMs`.
 */
export function probeApiVersions(broker: string, timeoutMs = 5_000): Promise<ApiVersionRange[]> {
  const separator = broker.lastIndexOf(':');
  const host = broker.slice(0, separator);
  const port = Number(broker.slice(separator + 1));
  const clientId = Buffer.from('mz-broker-probe', 'utf8');
  const correlationId = 0x4d5a; // "MZ"

  // Request: size | api_key int16 | api_version int16 | correlation_id int32 | client_id string
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  let offset = body.writeInt16BE(API_KEYS.ApiVersions, 0);
  offset = body.writeInt16BE(API_VERSIONS_REQUEST_V0, offset);
  offset = body.writeInt32BE(correlationId, offset);
  offset = body.writeInt16BE(clientId.length, offset);
  clientId.copy(body, offset);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);

  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no ApiVersions answer from ${broker} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (error: Error | null, result?: ApiVersionRange[]): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result ?? []);
    };
    socket.on('error', (error) => {
      finish(new Error(`cannot reach ${broker}: ${error.message}`));
    });
    socket.on('connect', () => socket.write(Buffer.concat([size, body])));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const buffer = Buffer.concat(chunks);
      if (buffer.length < 4 || buffer.length < 4 + buffer.readInt32BE(0)) return;
      try {
        finish(null, parseApiVersionsV0(buffer.subarray(4, 4 + buffer.readInt32BE(0)), correlationId));
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

/** Parses an ApiVersions v0 response body (after the size prefix). */
export function parseApiVersionsV0(frame: Buffer, expectedCorrelationId: number): ApiVersionRange[] {
  if (frame.length < 10) throw new Error(`ApiVersions answer too short (${frame.length} bytes)`);
  const correlationId = frame.readInt32BE(0);
  if (correlationId !== expectedCorrelationId) {
    throw new Error(`ApiVersions answer has correlation id ${correlationId}, expected ${expectedCorrelationId}`);
  }
  const errorCode = frame.readInt16BE(4);
  if (errorCode !== 0) throw new Error(`broker answered ApiVersions with error code ${errorCode}`);
  const count = frame.readInt32BE(6);
  if (count < 0 || frame.length < 10 + count * 6) throw new Error(`ApiVersions answer truncated (${count} entries announced)`);
  const ranges: ApiVersionRange[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = 10 + i * 6;
    ranges.push({ apiKey: frame.readInt16BE(at), minVersion: frame.readInt16BE(at + 2), maxVersion: frame.readInt16BE(at + 4) });
  }
  return ranges;
}
