/** The retry delays (pure): exponential, capped at 10 minutes, jittered between half and all of it. */
import { describe, expect, it } from 'vitest';
import { MAX_RETRY_DELAY_MS, deliveryIdOf, retryDelayMs } from './webhook-dispatcher.js';

describe('retryDelayMs', () => {
  it('doubles per attempt, between half (no luck) and all (full luck) of base · 2^(attempt-1)', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 1000, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('is capped at 10 minutes, however many attempts', () => {
    expect(retryDelayMs(20, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(2000, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(2000, 1000, () => 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});

describe('deliveryIdOf', () => {
  it('is endpoint|alert|kind|sequence', () => {
    expect(deliveryIdOf('sms', 'alert-1', 'ALERT_ESCALATED', 3)).toBe('sms|alert-1|ALERT_ESCALATED|3');
  });
});
