// Internal: strict base64 decoding for keys read from configuration.
import { Buffer } from 'node:buffer';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/u;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/u;

/**
 * Decodes base64 or base64url (padded or not), or returns `undefined` when the text is neither.
 * Node's own decoder skips characters it does not know, so a key mangled by a shell or a YAML
 * file would silently decode to different bytes; that must be a configuration error instead.
 * The result is a fresh copy, never a view of Node's shared buffer pool, so callers may keep it.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  // One alphabet or the other, not a mix of both.
  if (!BASE64.test(text) && !BASE64URL.test(text)) return undefined;
  const unpadded = text.replace(/=+$/u, '');
  if (unpadded.length % 4 === 1) return undefined;
  if (unpadded.length !== text.length && text.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(unpadded, 'base64'));
}
