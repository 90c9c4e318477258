import { describe, expect, it } from 'vitest';
import { birthdayAt, chinaDate, chinaMonth, lastDayOfMonth } from './dates.js';

describe('dates in China time', () => {
  it('reads the calendar day and month in UTC+8', () => {
    expect(chinaDate(new Date('2026-03-11T16:00:00.000Z'))).toBe('2026-03-12');
    expect(chinaDate(new Date('2026-03-11T15:59:59.999Z'))).toBe('2026-03-11');
    expect(chinaMonth(new Date('2026-03-31T16:30:00.000Z'))).toBe('2026-04');
  });

  it('knows month ends and birthdays, 29 February included', () => {
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2026-12')).toBe('2026-12-31');
    expect(birthdayAt('1946-03-12', 80)).toBe('2026-03-12');
    expect(birthdayAt('1944-02-29', 81)).toBe('2025-03-01');
    expect(birthdayAt('1944-02-29', 80)).toBe('2024-02-29');
  });
});
