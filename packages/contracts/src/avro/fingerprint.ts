/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint of the Avro specification ("Schema Fingerprints"),
 * computed over the UTF-8 bytes of a schema's Parsing Canonical Form. Single-object encoding
 * prefixes every message with it, little-endian. avsc offers only cryptographic fingerprints,
 * hence these few lines.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j += 1) fp = (fp >> 1n) ^ (fp & 1n ? EMPTY : 0n);
  return fp;
});

/** The fingerprint as an unsigned 64-bit integer. */
export function crc64Avro(data: Uint8Array | string): bigint {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fp = EMPTY;
  for (const byte of bytes) fp = ((fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] ?? 0n)) & MASK;
  return fp;
}

/** The 8 bytes that follow `C3 01` in single-object encoding (little-endian). */
export function fingerprintBytes(fingerprint: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(fingerprint);
  return bytes;
}

/** 16 lowercase hex digits, as used in file names and headers (big-endian reading of the number). */
export function fingerprintHex(fingerprint: bigint): string {
  return fingerprint.toString(16).padStart(16, '0');
}

/** The fingerprint as Java's `SchemaNormalization.parsingFingerprint64` prints it (signed long). */
export function fingerprintSigned(fingerprint: bigint): bigint {
  return BigInt.asIntN(64, fingerprint);
}
