import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { newId } from '../../platform/ids.ts';
import { staffRoles } from '../../platform/auth.ts';
import { sessionCredentials } from '../../platform/http/session-cookies.ts';
import { sessionClient } from '../../platform/sessions.ts';
import type { Db } from '../../platform/db/connection.ts';
import { createStaff, listStaff, updateStaff } from './admin.ts';
import { resetPin, setMyPin, switchOperator, tillOperators } from './pins.ts';
import { staffView } from './service.ts';

const id = z.string().min(1).max(64);

export const staffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(staffRoles),
  locationIds: z.array(z.string()),
});

const staffAdminSchema = staffSchema.extend({
  active: z.boolean(),
  pinSet: z.boolean().describe('She has a till PIN (担当切替)'),
  totpEnabled: z.boolean().describe('Two-factor sign-in is on'),
});

/** Staff administration (スタッフ管理) and till PINs (担当切替): see admin.ts and pins.ts for who may do what. */
export const staffAdminRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/staff',
      {
        schema: {
          tags: ['staff'],
          summary: 'Create a staff account (owner; hq and store managers: store roles, a manager at her stores)',
          description:
            'Without `password`, a temporary one is made and answered once as `temporaryPassword`: hand it over; ' +
            'she changes it with PUT /api/me/password. Written to the audit trail (`staff.created`).',
          body: z
            .object({
              email: z.string().email().max(254),
              name: z.string().trim().min(1).max(100),
              password: z.string().min(10).max(200).optional(),
              role: z.enum(staffRoles),
              locationIds: z.array(id).max(500).default([]),
            })
            .refine((b) => b.role === 'owner' || b.role === 'hq' || b.locationIds.length > 0, {
              message: 'store_needs_location',
              path: ['locationIds'],
            }),
          response: {
            201: staffAdminSchema.extend({
              temporaryPassword: z.string().optional().describe('Shown once: the password made for her'),
            }),
          },
        },
      },
      async (req, reply) => reply.code(201).send(await createStaff(db, req.principal, req.body, newId('stf'))),
    );

    app.get(
      '/api/staff',
      {
        schema: {
          tags: ['staff'],
          summary: 'Staff accounts (a store manager: those of her stores)',
          response: { 200: z.object({ items: z.array(staffAdminSchema) }) },
        },
      },
      async (req) => ({ items: await listStaff(db, req.principal) }),
    );

    app.patch(
      '/api/staff/:id',
      {
        schema: {
          tags: ['staff'],
          summary: "Change a staff member's name, role, stores or active state (deactivating ends her sessions)",
          description:
            "A store manager's `locationIds` are which of her own stores the member works at (her other stores " +
            'stay). Nobody changes her own role or deactivates herself (409 `staff.self_change`). Audited as ' +
            '`staff.updated`, `staff.deactivated`, `staff.reactivated`.',
          params: z.object({ id }),
          body: z.object({
            name: z.string().trim().min(1).max(100).optional(),
            role: z.enum(staffRoles).optional(),
            locationIds: z.array(id).max(500).optional(),
            active: z.boolean().optional(),
          }),
          response: { 200: staffAdminSchema },
        },
      },
      async (req) => updateStaff(db, req.principal, req.params.id, req.body),
    );

    app.delete(
      '/api/staff/:id/pin',
      {
        schema: {
          tags: ['staff'],
          summary:
            "Reset (clear) a staff member's till PIN (her store's manager, hq, owner); audited `staff.pin_reset`",
          params: z.object({ id }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await resetPin(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.put(
      '/api/me/pin',
      {
        config: { throttled: true },
        schema: {
          tags: ['auth'],
          summary: 'Set my till PIN (4–6 digits, not 0000 / 1234-like), confirmed with my password',
          body: z.object({ pin: z.string().min(1).max(20), password: z.string().min(1).max(200) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await setMyPin(db, req.principal, { ...req.body, ip: req.ip });
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/staff/operators',
      {
        schema: {
          tags: ['staff'],
          summary: "The store's active staff a till can switch to (担当切替), by name, and whether each has a PIN",
          querystring: z.object({ locationId: id }),
          response: {
            200: z.object({
              items: z.array(z.object({ id: z.string(), name: z.string(), pinSet: z.boolean() })),
            }),
          },
        },
      },
      async (req) => ({ items: await tillOperators(db, req.principal, req.query.locationId) }),
    );

    app.post(
      '/api/staff/switch',
      {
        // Answers a new session like a login, and needs the till's current one (its cookie is read).
        config: { throttled: true, issuesSession: 'staff', keepsSession: true },
        schema: {
          tags: ['auth'],
          summary: '担当切替: the signed-in till at a store becomes this staff member’s, with her PIN',
          description:
            "The till's current session ends and a new one (12 hours) is answered, as from a login. A wrong PIN, " +
            'or a name not on the store list, is 403 `staff.pin_wrong`; five wrong PINs for her in 15 minutes ' +
            '(from any till) pause her switch: 429 `staff.pin_locked` with `Retry-After`. 409 `staff.pin_not_set` ' +
            'when she has no PIN.',
          body: z.object({ locationId: id, staffId: id, pin: z.string().min(1).max(20) }),
          response: { 200: z.object({ ...sessionCredentials, expiresAt: z.string(), staff: staffSchema }) },
        },
      },
      async (req) => {
        const client = sessionClient(req.headers['user-agent'], req.ip);
        const r = await switchOperator(db, req.principal, { ...req.body, ip: req.ip, client });
        return { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: await staffView(db, r.staffId) };
      },
    );
  };
