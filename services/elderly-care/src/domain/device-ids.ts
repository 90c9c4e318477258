/**
 * Deterministic ids for device events. The device platform's own event id, scoped by the platform
 * (the caller's subject), names one event: its claim id and its envelope event id (a name-based
 * UUID, RFC 9562 version 5) follow from it, so a repeat that got past the claim would still carry
 * the same event id, which every consumer skips.
 */
import { createHash } from 'node:crypto';

/** Namespace of device-event UUIDs (a fixed random UUID; changing it changes every id). */
const NAMESPACE = Buffer.from('6f1c2a9e4b7d4e0f9a3c5d8e7f6a1b2c', 'hex');

export const claimIdOf = (platform: string, platformEventId: string): string => `${platform}|${platformEventId}`;

/** UUID v5 of a name in the device-event namespace. */
export function deviceEventUuid(platform: string, platformEventId: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(claimIdOf(platform, platformEventId), 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
