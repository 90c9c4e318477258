import { describe, expect, it } from 'vitest';
import { derivedUuid } from './normalize.js';

describe('derivedUuid', () => {
  it('is a stable UUID of its parts: the same record gets the same event id, another record another', () => {
    const id = derivedUuid('PUBLIC_SECURITY', 'public-security.death-registered', 'SWDJ-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(derivedUuid('PUBLIC_SECURITY', 'public-security.death-registered', 'SWDJ-1')).toBe(id);
    expect(derivedUuid('PUBLIC_SECURITY', 'public-security.death-registered', 'SWDJ-2')).not.toBe(id);
    expect(derivedUuid('HEALTH', 'public-security.death-registered', 'SWDJ-1')).not.toBe(id);
  });
});
