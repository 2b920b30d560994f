import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireCustomer } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { login, logout, register, requestPasswordReset, resetPassword, type Session } from './auth.ts';
import { customerView } from './service.ts';
import { customerSchema, loginBody, registrationBody, resetConfirmBody, resetRequestBody, sessionSchema } from './views.ts';
import { createCustomerByStaff, getCustomerForStaff, searchCustomers, updateProfile } from './staff-service.ts';

const sessionOut = (s: Session) => ({ token: s.token, expiresAt: s.expiresAt.toISOString(), customer: s.customer });
const bearer = (h: string | undefined) => /^Bearer\s+(\S+)$/i.exec(h ?? '')?.[1];

const profileBody = z.object({
  name: z.string().min(1).max(100).optional(),
  nameKana: z.string().max(100).optional(),
  phone: z.string().max(40).optional(),
  birthday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

export const customerRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['customer-auth'];
    app.post(
      '/api/customer-auth/register',
      { config: { public: true }, schema: { tags, summary: 'Sign up as a member', security: [], body: registrationBody, response: { 201: sessionSchema } } },
      async (req, reply) => reply.code(201).send(sessionOut(await register(db, req.body))),
    );
    app.post(
      '/api/customer-auth/login',
      { config: { public: true }, schema: { tags, summary: 'Member login (a device id stitches that device’s activity)', security: [], body: loginBody, response: { 200: sessionSchema } } },
      async (req) => sessionOut(await login(db, { ...req.body, ip: req.ip })),
    );
    app.post(
      '/api/customer-auth/logout',
      { config: { customer: true }, schema: { tags, summary: 'End this session', response: { 204: z.null() } } },
      async (req, reply) => {
        requireCustomer(req.principal);
        const token = bearer(req.headers.authorization);
        if (token) await logout(db, token);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/customer-auth/password-reset',
      {
        config: { public: true },
        schema: { tags, summary: 'Send a one-time code to reset the password (same answer for unknown e-mails)', security: [], body: resetRequestBody, response: { 202: z.object({ sent: z.literal(true) }) } },
      },
      async (req, reply) => {
        await requestPasswordReset(db, req.body.email, req.ip);
        return reply.code(202).send({ sent: true as const });
      },
    );
    app.post(
      '/api/customer-auth/password-reset/confirm',
      { config: { public: true }, schema: { tags, summary: 'Set a new password with the code; other sessions end', security: [], body: resetConfirmBody, response: { 200: sessionSchema } } },
      async (req) => sessionOut(await resetPassword(db, req.body)),
    );

    app.get(
      '/api/account',
      { schema: { tags: ['account'], summary: 'My profile', response: { 200: customerSchema } } },
      async (req) => customerView(db, requireCustomer(req.principal).customerId),
    );
    app.patch(
      '/api/account',
      { config: { customer: true }, schema: { tags: ['account'], summary: 'Change my profile', body: profileBody, response: { 200: customerSchema } } },
      async (req) => updateProfile(db, req.principal, requireCustomer(req.principal).customerId, req.body),
    );

    app.get(
      '/api/customers',
      {
        schema: {
          tags: ['customers'],
          summary: 'Find customers by name, kana, phone, e-mail, member or card number (staff)',
          querystring: z.object({ q: z.string().max(100).optional(), limit: z.coerce.number().int().min(1).max(100).default(30) }),
          response: { 200: z.object({ items: z.array(customerSchema) }) },
        },
      },
      async (req) => ({ items: await searchCustomers(db, req.principal, req.query.q ?? '', req.query.limit) }),
    );
    app.post(
      '/api/customers',
      {
        schema: {
          tags: ['customers'],
          summary: 'Register a member at the till (staff)',
          body: z.object({
            name: z.string().min(1).max(100),
            nameKana: z.string().max(100).optional(),
            email: z.string().max(254).optional(),
            phone: z.string().max(40).optional(),
            birthday: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
            cardNumber: z.string().max(40).optional(),
            homeLocationId: z.string().max(64).optional(),
          }),
          response: { 201: customerSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createCustomerByStaff(db, req.principal, req.body)),
    );
    app.get(
      '/api/customers/:id',
      { schema: { tags: ['customers'], summary: 'One customer (staff)', params: idParam, response: { 200: customerSchema } } },
      async (req) => getCustomerForStaff(db, req.principal, req.params.id),
    );
    app.patch(
      '/api/customers/:id',
      { schema: { tags: ['customers'], summary: 'Change a customer’s profile (staff)', params: idParam, body: profileBody, response: { 200: customerSchema } } },
      async (req) => updateProfile(db, req.principal, req.params.id, req.body),
    );
  };
