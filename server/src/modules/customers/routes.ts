import { z } from 'zod';
import { addressRoutes } from './address-routes.ts';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireCustomer } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { fileAnswer, idParam } from '../../platform/http/schemas.ts';
import { login, logout, register, requestPasswordReset, resetPassword, type Session } from './auth.ts';
import { customerView } from './service.ts';
import { setHomeStore } from './home-store.ts';
import { clearPin, hasPin, setPin } from './presence.ts';
import {
  birthday,
  customerSchema,
  loginBody,
  registrationBody,
  resetConfirmBody,
  resetRequestBody,
  sessionSchema,
} from './views.ts';
import { createCustomerByStaff, getCustomerForStaff, searchCustomers, updateProfile } from './staff-service.ts';
import { findDuplicates, listMerges, mergeCustomers, undoMerge, type MergeStep } from './merge.ts';
import { getConsents, setConsents } from './consents.ts';
import { PositionLimiter, reportPosition } from './positions.ts';
import { exportZip } from './export-files.ts';
import { customerExport } from './exports.ts';
import { csvEncodingParam, sendCsv } from '../../platform/csv-export.ts';
import { deleteCustomer, exportCustomer, type EraseStep, type ExportSource } from './privacy.ts';
import { consentChannels, consentPurposes } from './schema.ts';
import { listMySessions, revokeMySession, revokeMySessions } from './sessions.ts';
import {
  keepQuery,
  revokedSchema,
  sessionClient,
  sessionHandleParam,
  sessionListSchema,
} from '../../platform/sessions.ts';
import { callers } from '../../platform/http/openapi.ts';

const sessionOut = (s: Session) => ({ token: s.token, expiresAt: s.expiresAt.toISOString(), customer: s.customer });

const profileBody = z.object({
  name: z.string().min(1).max(100).optional(),
  nameKana: z.string().max(100).optional(),
  phone: z.string().max(40).optional(),
  birthday: birthday.optional(),
});

/**
 * What the modules above identity add to its person-wide operations, handed in by the composition root
 * (server.ts): their part of a merge, and their sections of a personal data export.
 */
export interface CustomerHooks {
  mergeSteps: readonly MergeStep[];
  exportSources: readonly ExportSource[];
  eraseSteps: readonly EraseStep[];
}

export const customerRoutes =
  (db: Db, hooks: CustomerHooks): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['customer-auth'];
    app.post(
      '/api/customer-auth/register',
      {
        config: { public: true, issuesSession: 'customer' },
        schema: {
          tags,
          summary: 'Sign up as a member',
          security: [],
          body: registrationBody,
          response: { 201: sessionSchema },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(sessionOut(await register(db, req.body, sessionClient(req.headers['user-agent'], req.ip)))),
    );
    app.post(
      '/api/customer-auth/login',
      {
        config: { throttled: true, public: true, issuesSession: 'customer' },
        schema: {
          tags,
          summary: 'Member login (a device id stitches that device’s activity)',
          description:
            'Throttled: 429 `auth.too_many_attempts` with `Retry-After` (a delay that doubles per failure at one address). ' +
            'After many failures on the account from anywhere, 401 `auth.email_code_required`: a 6-digit code was ' +
            'e-mailed to her; send the password again with `emailCode` (a wrong one: 401 `auth.email_code_invalid`).',
          security: [],
          body: loginBody,
          response: { 200: sessionSchema },
        },
      },
      async (req) =>
        sessionOut(await login(db, { ...req.body, ip: req.ip }, sessionClient(req.headers['user-agent'], req.ip))),
    );
    app.post(
      '/api/customer-auth/logout',
      {
        config: { customer: true, endsSession: 'customer' },
        schema: { tags, summary: 'End this session', response: { 204: z.null() } },
      },
      async (req, reply) => {
        requireCustomer(req.principal);
        if (req.sessionToken) await logout(db, req.sessionToken);
        return reply.code(204).send(null);
      },
    );
    app.post(
      '/api/customer-auth/password-reset',
      {
        config: { throttled: true, public: true },
        schema: {
          tags,
          summary: 'Send a one-time code to reset the password (same answer for unknown e-mails)',
          security: [],
          body: resetRequestBody,
          response: { 202: z.object({ sent: z.literal(true) }) },
        },
      },
      async (req, reply) => {
        await requestPasswordReset(db, req.body.email, req.ip);
        return reply.code(202).send({ sent: true as const });
      },
    );
    app.post(
      '/api/customer-auth/password-reset/confirm',
      {
        config: { public: true, issuesSession: 'customer' },
        schema: {
          tags,
          summary: 'Set a new password with the code; other sessions end',
          security: [],
          body: resetConfirmBody,
          response: { 200: sessionSchema },
        },
      },
      async (req) => sessionOut(await resetPassword(db, req.body, sessionClient(req.headers['user-agent'], req.ip))),
    );

    app.get(
      '/api/account',
      { schema: { tags: ['account'], summary: 'My profile', response: { 200: customerSchema } } },
      async (req) => customerView(db, requireCustomer(req.principal).customerId),
    );
    app.patch(
      '/api/account',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Change my profile',
          body: profileBody,
          response: { 200: customerSchema },
        },
      },
      async (req) => updateProfile(db, req.principal, requireCustomer(req.principal).customerId, req.body),
    );

    app.put(
      '/api/account/home-store',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Choose my store (マイストア), or forget it with null',
          body: z.object({ locationId: z.string().min(1).max(64).nullable() }),
          response: { 200: customerSchema },
        },
      },
      async (req) => setHomeStore(db, requireCustomer(req.principal).customerId, req.body.locationId),
    );
    app.get(
      '/api/account/pin',
      {
        schema: {
          tags: ['account'],
          summary: 'Whether I have set a till PIN (暗証番号)',
          response: { 200: z.object({ pinSet: z.boolean() }) },
        },
      },
      async (req) => ({ pinSet: await hasPin(db, requireCustomer(req.principal).customerId) }),
    );
    app.put(
      '/api/account/pin',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Set or change my till PIN: 4–6 digits I type at the till to pay with my wallet or points',
          body: z.strictObject({ pin: z.string().min(1).max(20) }),
          response: { 200: z.object({ pinSet: z.boolean() }) },
        },
      },
      async (req) => {
        await setPin(db, requireCustomer(req.principal).customerId, req.body.pin);
        return { pinSet: true };
      },
    );
    app.delete(
      '/api/account/pin',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Remove my till PIN',
          response: { 200: z.object({ pinSet: z.boolean() }) },
        },
      },
      async (req) => {
        await clearPin(db, requireCustomer(req.principal).customerId);
        return { pinSet: false };
      },
    );

    // Her signed-in devices (「ログイン中の端末」)
    app.get(
      '/api/account/sessions',
      {
        schema: {
          tags: ['account'],
          summary: 'My signed-in devices (live sessions), newest first; `current` is this one',
          response: { 200: sessionListSchema },
        },
      },
      async (req) => ({ items: await listMySessions(db, req.principal) }),
    );
    app.delete(
      '/api/account/sessions/:id',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Sign one of my devices out (404 when it is not mine or already ended)',
          params: sessionHandleParam,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await revokeMySession(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
    app.delete(
      '/api/account/sessions',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Sign out everywhere: `?keep=current` ends every session but this one, without it all of them',
          querystring: keepQuery,
          response: { 200: revokedSchema },
        },
      },
      async (req) => revokeMySessions(db, req.principal, { keepCurrent: req.query.keep === 'current' }),
    );

    app.get(
      '/api/customers',
      {
        schema: {
          tags: ['customers'],
          summary: 'Find customers by name, kana, phone, e-mail, member or card number (staff)',
          querystring: z.object({
            q: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(30),
          }),
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
            birthday: birthday.optional(),
            cardNumber: z.string().max(40).optional(),
            homeLocationId: z.string().min(1).max(64).optional(),
          }),
          response: { 201: customerSchema },
        },
      },
      async (req, reply) => reply.code(201).send(await createCustomerByStaff(db, req.principal, req.body)),
    );
    app.get(
      '/api/customers/:id',
      {
        schema: {
          tags: ['customers'],
          summary: 'One customer (staff)',
          params: idParam,
          response: { 200: customerSchema },
        },
      },
      async (req) => getCustomerForStaff(db, req.principal, req.params.id),
    );
    app.patch(
      '/api/customers/:id',
      {
        schema: {
          tags: ['customers'],
          summary: 'Change a customer’s profile (staff)',
          params: idParam,
          body: profileBody,
          response: { 200: customerSchema },
        },
      },
      async (req) => updateProfile(db, req.principal, req.params.id, req.body),
    );

    app.get(
      '/api/customers.csv',
      {
        schema: {
          tags: ['customers'],
          summary: 'Export the members as CSV, every row (streamed); columns by role',
          description:
            'Head office: every active member with e-mail, phone and birthday. A store manager: the members registered at her stores, ' +
            'without contact details. Clerks: 403. Audited. Times in Asia/Tokyo; UTF-8 with a BOM, or `encoding=shift_jis`.',
          querystring: z.object({ encoding: csvEncodingParam }),
          response: { 200: fileAnswer('text/csv', 'The members as CSV') },
        },
      },
      async (req, reply) => {
        const { columns, page } = await customerExport(db, req.principal);
        return sendCsv(reply, { filename: 'customers.csv', encoding: req.query.encoding, columns, page });
      },
    );

    // Duplicates and merges (staff)
    const mergeSchema = z.object({
      id: z.string(),
      survivorId: z.string(),
      mergedId: z.string(),
      reason: z.string(),
      staffId: z.string(),
      createdAt: z.string(),
      undoneAt: z.string().nullable(),
      moved: z.record(z.string(), z.number()),
    });
    app.get(
      '/api/customers/duplicates',
      {
        schema: {
          tags: ['customers'],
          summary: 'Suggested duplicates (same name or reading and birthday)',
          querystring: z.object({
            customerId: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: z.object({
              items: z.array(z.object({ a: customerSchema, b: customerSchema, reasons: z.array(z.string()) })),
            }),
          },
        },
      },
      async (req) => ({ items: await findDuplicates(db, req.principal, req.query) }),
    );
    app.post(
      '/api/customers/:id/merge',
      {
        config: { idempotent: true },
        schema: {
          tags: ['customers'],
          summary: 'Merge another customer into this one (identifiers, timeline, points, wallet, holds move)',
          params: idParam,
          body: z.object({
            otherId: z.string().min(1).max(64),
            reason: z.string().trim().min(1, 'reason_required').max(500),
          }),
          response: { 201: mergeSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(await mergeCustomers(db, req.principal, req.params.id, req.body, hooks.mergeSteps)),
    );
    app.get(
      '/api/customers/:id/merges',
      {
        schema: {
          tags: ['customers'],
          summary: 'Merges this customer took part in',
          params: idParam,
          response: { 200: z.object({ items: z.array(mergeSchema) }) },
        },
      },
      async (req) => ({ items: await listMerges(db, req.principal, req.params.id) }),
    );
    app.post(
      '/api/customer-merges/:id/undo',
      {
        config: { idempotent: true },
        schema: { tags: ['customers'], summary: 'Undo a merge', params: idParam, response: { 200: mergeSchema } },
      },
      async (req) => undoMerge(db, req.principal, req.params.id, hooks.mergeSteps),
    );

    // Consent (the customer, or staff for them)
    const consentsOut = z.object({
      items: z.array(
        z.object({
          channel: z.enum(consentChannels),
          purpose: z.enum(consentPurposes),
          granted: z.boolean(),
          updatedAt: z.string().nullable(),
        }),
      ),
      history: z.array(
        z.object({
          channel: z.string(),
          purpose: z.string(),
          granted: z.boolean(),
          actor: z.string(),
          source: z.string(),
          at: z.string(),
        }),
      ),
    });
    const consentsIn = z.object({
      items: z
        .array(
          z
            .object({ channel: z.enum(consentChannels), purpose: z.enum(consentPurposes), granted: z.boolean() })
            .refine((c) => c.channel !== 'location' || c.purpose === 'marketing', {
              message: '位置情報の同意は purpose: marketing だけです',
              path: ['purpose'],
            }),
        )
        .min(1)
        .max(20),
      source: z.string().max(40).optional(),
    });
    app.get(
      '/api/account/consents',
      { schema: { tags: ['account'], summary: 'My consents and their history', response: { 200: consentsOut } } },
      async (req) => getConsents(db, req.principal, requireCustomer(req.principal).customerId),
    );
    app.put(
      '/api/account/consents',
      {
        config: { customer: true },
        schema: { tags: ['account'], summary: 'Change my consents', body: consentsIn, response: { 200: consentsOut } },
      },
      async (req) =>
        setConsents(
          db,
          req.principal,
          requireCustomer(req.principal).customerId,
          req.body.items,
          req.body.source ?? 'account',
        ),
    );
    // One turn per signed-in device (its session) every 30 s: an open app reports about that often.
    const positions = new PositionLimiter();
    app.post(
      '/api/account/position',
      {
        config: { throttled: true, customer: true },
        schema: {
          tags: ['account'],
          summary: 'Where I am now (位置情報), for offers from stores nearby',
          description:
            'Only with the location consent (403 `customer.location_consent_required`). One report per device ' +
            'every 30 s (429 `customer.position_too_often` with `Retry-After`). Only the last position is kept.',
          body: z.object({
            lat: z.number().min(-90).max(90),
            lng: z.number().min(-180).max(180),
            accuracy: z.number().min(0).max(100_000).optional(),
          }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        const me = requireCustomer(req.principal);
        positions.take(me.tokenHash ?? me.deviceId ?? me.customerId);
        await reportPosition(db, me.customerId, req.body);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/customers/:id/consents',
      {
        schema: {
          security: callers.staffOrCustomer,
          tags: ['customers'],
          summary: 'A customer’s consents (staff)',
          params: idParam,
          response: { 200: consentsOut },
        },
      },
      async (req) => getConsents(db, req.principal, req.params.id),
    );
    app.put(
      '/api/customers/:id/consents',
      {
        schema: {
          tags: ['customers'],
          summary: 'Record consent given to staff (e.g. on a paper form at the till)',
          params: idParam,
          body: consentsIn,
          response: { 200: consentsOut },
        },
      },
      async (req) => setConsents(db, req.principal, req.params.id, req.body.items, req.body.source ?? 'store'),
    );

    // Personal data: export and deletion (every request is logged)
    const exportOut = z.record(z.string(), z.unknown());
    const deletedOut = z.object({
      customerId: z.string(),
      deletedAt: z.string(),
      erased: z
        .object({ identifiers: z.number(), events: z.number() })
        .catchall(z.number())
        .describe('What was erased, counted by kind (every module adds its own)'),
    });
    app.post(
      '/api/account/export',
      {
        config: { customer: true },
        schema: { tags: ['account'], summary: 'Everything held about me, as JSON', response: { 200: exportOut } },
      },
      async (req, reply) => {
        const data = await exportCustomer(
          db,
          req.principal,
          requireCustomer(req.principal).customerId,
          hooks.exportSources,
        );
        return reply
          .header('content-disposition', `attachment; filename="musubi-${data.profile.memberNumber}.json"`)
          .send(data);
      },
    );
    app.post(
      '/api/customers/:id/export',
      {
        schema: {
          tags: ['customers'],
          summary: 'Export everything held about a customer (staff)',
          params: idParam,
          response: { 200: exportOut },
        },
      },
      async (req) => exportCustomer(db, req.principal, req.params.id, hooks.exportSources),
    );
    // The same export as a ZIP (export.json + one CSV per section). POST like the JSON: each export is logged.
    const sendZip = (reply: FastifyReply, data: Awaited<ReturnType<typeof exportCustomer>>) =>
      reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="musubi-${data.profile.memberNumber}.zip"`)
        .header('cache-control', 'no-store')
        .send(exportZip(data));
    const zipDescription =
      'A ZIP of export.json and one CSV per section (UTF-8 with BOM, CRLF), named after the member number.';
    app.post(
      '/api/account/export.zip',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Everything held about me, as a ZIP of JSON and CSV',
          description: zipDescription,
          response: { 200: fileAnswer('application/zip', 'The ZIP of JSON and CSV files', 'binary') },
        },
      },
      async (req, reply) =>
        sendZip(
          reply,
          await exportCustomer(db, req.principal, requireCustomer(req.principal).customerId, hooks.exportSources),
        ),
    );
    app.post(
      '/api/customers/:id/export.zip',
      {
        schema: {
          tags: ['customers'],
          summary: 'Export everything held about a customer as a ZIP (owner/hq)',
          description: zipDescription,
          params: idParam,
          response: { 200: fileAnswer('application/zip', 'The ZIP of JSON and CSV files', 'binary') },
        },
      },
      async (req, reply) => sendZip(reply, await exportCustomer(db, req.principal, req.params.id, hooks.exportSources)),
    );
    app.post(
      '/api/account/delete',
      {
        config: { customer: true },
        schema: {
          tags: ['account'],
          summary: 'Delete my account (confirm with the password)',
          body: z.object({ password: z.string().max(200).optional() }),
          response: { 200: deletedOut },
        },
      },
      async (req) =>
        deleteCustomer(db, req.principal, requireCustomer(req.principal).customerId, req.body, hooks.eraseSteps),
    );
    app.post(
      '/api/customers/:id/delete',
      {
        schema: {
          tags: ['customers'],
          summary: 'Delete a customer’s personal data (owner/hq, with a reason)',
          params: idParam,
          body: z.object({ reason: z.string().max(500) }),
          response: { 200: deletedOut },
        },
      },
      async (req) => deleteCustomer(db, req.principal, req.params.id, req.body, hooks.eraseSteps),
    );
    await app.register(addressRoutes(db));
  };
