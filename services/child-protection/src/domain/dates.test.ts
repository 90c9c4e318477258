import { describe, expect, it } from 'vitest';
import { thrownBy } from '@minzheng/testing';
import { addMonths, assertDateInLife, assertFirstDayOfMonth, birthdayAt, lastDayOfMonth } from './dates.js';
import { ChildError } from './errors.js';

describe('dates', () => {
  it('does calendar arithmetic', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(lastDayOfMonth('2026-02-10')).toBe('2026-02-28');
    expect(birthdayAt('2008-02-29', 18)).toBe('2026-03-01');
    expect(birthdayAt('2008-02-29', 16)).toBe('2024-02-29');
  });

  it('refuses bad dates, future dates and dates before birth with their codes', () => {
    expect(thrownBy(ChildError, () => { assertDateInLife('2026-02-30', 'effectiveDate', '2026-11-15'); })).toMatchObject({ code: 'CHILD_INVALID_DATE', details: { field: 'effectiveDate' } });
    expect(thrownBy(ChildError, () => { assertDateInLife('2026-11-16', 'effectiveDate', '2026-11-15'); })).toMatchObject({ code: 'CHILD_DATE_IN_FUTURE', statusCode: 400 });
    expect(thrownBy(ChildError, () => { assertDateInLife('2015-03-14', 'visitedOn', '2026-11-15', '2015-03-15'); })).toMatchObject({ code: 'CHILD_DATE_BEFORE_BIRTH', details: { field: 'visitedOn' } });
    expect(thrownBy(ChildError, () => { assertFirstDayOfMonth('2026-11-02', 'startDate'); })).toMatchObject({ code: 'CHILD_INVALID_DATE' });
  });
});
