import { sessionCredentials } from '../../platform/http/session-cookies.ts';
import { z } from 'zod';
import { tiers } from './schema.ts';

/** The API shape of a customer (staff and the customer themself). */
export const customerSchema = z.object({
  id: z.string(),
  memberNumber: z.string(),
  name: z.string().nullable(),
  nameKana: z.string().nullable(),
  birthday: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  tier: z.enum(tiers),
  status: z.enum(['active', 'merged', 'deleted']),
  mergedInto: z.string().nullable(),
  homeLocationId: z.string().nullable(),
  createdAt: z.string(),
});

export const sessionSchema = z.object({ ...sessionCredentials, expiresAt: z.string(), customer: customerSchema });

const password = z.string().min(8).max(200);
const deviceId = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[\w.:-]+$/);
/** A birthday: a day the calendar has (no 2月30日), from 1900 on; the database's date column refuses the rest. */
export const birthday = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => s >= '1900-01-01' && isCalendarDay(s), 'invalid_date');

function isCalendarDay(s: string): boolean {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
}

export const registrationBody = z.object({
  email: z.string().min(3).max(254),
  password,
  name: z.string().min(1).max(100),
  nameKana: z.string().max(100).optional(),
  phone: z.string().max(40).optional(),
  birthday: birthday.optional(),
  deviceId: deviceId.optional(),
});

export const loginBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(200),
  deviceId: deviceId.optional(),
  /** The code e-mailed to her after `auth.email_code_required`. */
  emailCode: z.string().max(16).optional(),
});
export const resetRequestBody = z.object({ email: z.string().min(3).max(254) });
export const resetConfirmBody = z.object({
  email: z.string().min(3).max(254),
  code: z.string().min(4).max(12),
  password,
});
