import { describe, expect, it } from 'vitest';
import { claimIdOf, deviceEventUuid } from './device-ids.js';

describe('device event ids', () => {
  it('gives the same UUID v5 for the same platform and event id, and a different one otherwise', () => {
    const id = deviceEventUuid('platform-a', 'SOS-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(deviceEventUuid('platform-a', 'SOS-1')).toBe(id);
    expect(deviceEventUuid('platform-b', 'SOS-1')).not.toBe(id);
    expect(deviceEventUuid('platform-a', 'SOS-2')).not.toBe(id);
  });

  it('scopes claims by platform', () => {
    expect(claimIdOf('platform-a', 'SOS-1')).toBe('platform-a|SOS-1');
  });
});
