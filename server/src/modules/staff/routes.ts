import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { newId } from '../../platform/ids.ts';
import { requireStaff, staffRoles } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { createStaff, describeMe, listStaff, login, logout } from './service.ts';

const staffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(staffRoles),
  locationIds: z.array(z.string()),
});

export const staffRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/auth/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Staff login: e-mail and password → bearer token',
          security: [],
          body: z.object({ email: z.string().min(3).max(254), password: z.string().min(1).max(200) }),
          response: { 200: z.object({ token: z.string(), expiresAt: z.string(), staff: staffSchema }) },
        },
      },
      async (req) => {
        const r = await login(db, { ...req.body, ip: req.ip });
        return { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: r.staff };
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { tags: ['auth'], summary: 'Revoke the current token', response: { 204: z.null() } } },
      async (req, reply) => {
        requireStaff(req.principal);
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (token) await logout(db, token);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'Who am I',
          response: {
            200: z.object({
              id: z.string(),
              name: z.string(),
              role: z.enum(staffRoles),
              locationIds: z.array(z.string()),
              bootstrap: z.boolean(),
            }),
          },
        },
      },
      async (req) => describeMe(requireStaff(req.principal)),
    );

    app.post(
      '/api/staff',
      {
        schema: {
          tags: ['staff'],
          summary: 'Create a staff account (owner/hq)',
          body: z
            .object({
              email: z.string().email().max(254),
              name: z.string().min(1).max(100),
              password: z.string().min(10).max(200),
              role: z.enum(staffRoles),
              locationIds: z.array(z.string().min(1).max(64)).max(500).default([]),
            })
            .refine((b) => b.role === 'owner' || b.role === 'hq' || b.locationIds.length > 0, {
              message: 'store_needs_location',
              path: ['locationIds'],
            }),
          response: { 201: staffSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createStaff(db, req.principal, req.body, newId('stf'))),
    );

    app.get(
      '/api/staff',
      {
        schema: {
          tags: ['staff'],
          summary: 'Staff accounts',
          response: { 200: z.object({ items: z.array(staffSchema) }) },
        },
      },
      async (req) => ({ items: await listStaff(db, req.principal) }),
    );
  };
