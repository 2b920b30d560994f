import { describe, expect, it } from 'vitest';
import { isOpenAt, type OpeningHours } from './service.ts';

const closed = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
/** Japan time → the UTC instant. */
const jst = (iso: string) => new Date(`${iso}+09:00`);

describe('opening hours: is the store open at that moment (Japan time)', () => {
  const hours: OpeningHours = {
    ...closed,
    mon: { open: '10:00', close: '21:00' },
    fri: { open: '18:00', close: '02:00' },
  };

  it('is open from the opening minute up to, not at, the closing one', () => {
    expect(isOpenAt(hours, jst('2026-12-07T09:59'))).toBe(false); // Monday
    expect(isOpenAt(hours, jst('2026-12-07T10:00'))).toBe(true);
    expect(isOpenAt(hours, jst('2026-12-07T20:59'))).toBe(true);
    expect(isOpenAt(hours, jst('2026-12-07T21:00'))).toBe(false);
    expect(isOpenAt(hours, jst('2026-12-08T12:00'))).toBe(false); // Tuesday: no hours, closed
  });

  it('hours that run past midnight count on the next morning', () => {
    expect(isOpenAt(hours, jst('2026-12-04T23:30'))).toBe(true); // Friday night
    expect(isOpenAt(hours, jst('2026-12-05T01:59'))).toBe(true); // Saturday, still Friday's hours
    expect(isOpenAt(hours, jst('2026-12-05T02:00'))).toBe(false);
  });

  it('00:00 to 00:00 is open round the clock', () => {
    const allDay: OpeningHours = {
      ...closed,
      sun: { open: '00:00', close: '00:00' },
      mon: { open: '00:00', close: '00:00' },
    };
    expect(isOpenAt(allDay, jst('2026-12-06T00:00'))).toBe(true);
    expect(isOpenAt(allDay, jst('2026-12-06T23:59'))).toBe(true);
    expect(isOpenAt(allDay, jst('2026-12-07T00:00'))).toBe(true);
  });
});
