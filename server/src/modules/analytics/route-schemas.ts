import { z } from 'zod';
import { daysIn, isDate } from './periods.ts';

/** What every analytics route says of who may call it (access.ts enforces it). */
export const who =
  'Owner or HQ: every location; a store manager: her stores only (a store filter naming another is 403, none means hers); staff: 403.';
export const tags = ['analytics'];

/** A Japan date (Asia/Tokyo), YYYY-MM-DD. */
export const japanDate = z
  .string()
  .refine(isDate, '日付は YYYY-MM-DD で指定してください')
  .describe('A Japan date (Asia/Tokyo), YYYY-MM-DD');

/** Store ids, comma-separated (none: every store the caller may see); `what` says which stores it filters by. */
export const storeIds = (what = 'Store ids, comma-separated; none: every store the caller may see') =>
  z
    .string()
    .max(2000)
    .regex(/^[^,\s]+(,[^,\s]+)*$/)
    .transform((s) => s.split(','))
    .optional()
    .describe(what);

/** A period of Japan dates, `from` to `to` inclusive, at most about three years; and a store filter. */
export const dateRange = (stores = storeIds()) =>
  z
    .object({ from: japanDate, to: japanDate, stores })
    .refine((q) => q.from <= q.to, { message: 'from_after_to', path: ['to'] })
    .refine((q) => q.from > q.to || daysIn(q) <= 1100, { message: 'range_too_long', path: ['to'] });
