import { describe, expect, it } from 'vitest';
import { todayIsOver } from './appointment-days';

describe('todayIsOver', () => {
  // 20:00 close, a 60-minute visit, booked 30 minutes ahead: the last time to book is 18:30 in Japan.
  const at = (japanClock: string) => new Date(`2026-12-07T${japanClock}:00+09:00`);
  it('leaves today open while a visit can still start 30 minutes ahead and end by closing', () => {
    expect(todayIsOver('20:00', 60, at('10:00'))).toBe(false);
    expect(todayIsOver('20:00', 60, at('18:30'))).toBe(false);
  });
  it('marks today over once no visit fits before closing', () => {
    expect(todayIsOver('20:00', 60, at('18:31'))).toBe(true);
    expect(todayIsOver('20:00', 60, at('22:15'))).toBe(true);
    expect(todayIsOver('20:00', 30, at('19:00'))).toBe(false);
  });
});
