import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireStaff, staffRoles } from '../../platform/auth.ts';
import { sessionCredentials } from '../../platform/http/session-cookies.ts';
import type { Db } from '../../platform/db/connection.ts';
import { changeMyPassword, describeMe, login, logout } from './service.ts';
import { staffAdminRoutes, staffSchema } from './admin-routes.ts';
import { apiTokenRoutes } from './api-token-routes.ts';
import { confirmTotp, disableTotp, startTotp } from './totp.ts';
import { getSecurityPolicy, putSecurityPolicy, securityPolicySchema } from './security-policy.ts';
import { listMySessions, revokeMySession, revokeMySessions } from './sessions.ts';
import {
  keepQuery,
  revokedSchema,
  sessionClient,
  sessionHandleParam,
  sessionListSchema,
} from '../../platform/sessions.ts';

export const staffRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/auth/login',
      {
        config: { throttled: true, public: true, issuesSession: 'staff' },
        schema: {
          tags: ['auth'],
          summary: 'Staff login: e-mail and password → bearer token (or a cookie session for the web app)',
          security: [],
          description:
            'With two-factor sign-in on, a right password without `totp` answers 401 `auth.totp_required` ' +
            '(ask for the code and send all three again); a wrong or already used code answers 401 ' +
            '`auth.totp_invalid`. Both count as failed attempts. Throttled: 429 `auth.too_many_attempts` with ' +
            '`Retry-After` (a delay that doubles per failure at one address). After many failures on the account from ' +
            'anywhere, 401 `auth.email_code_required`: a 6-digit code was e-mailed to her; send the password again ' +
            'with `emailCode` (a wrong one: 401 `auth.email_code_invalid`).',
          body: z.object({
            email: z.string().min(3).max(254),
            password: z.string().min(1).max(200),
            totp: z.string().max(16).optional(),
            /** The code e-mailed to her after `auth.email_code_required`. */
            emailCode: z.string().max(16).optional(),
          }),
          response: { 200: z.object({ ...sessionCredentials, expiresAt: z.string(), staff: staffSchema }) },
        },
      },
      async (req) => {
        const client = sessionClient(req.headers['user-agent'], req.ip);
        const r = await login(db, { ...req.body, ip: req.ip, client });
        return { token: r.token, expiresAt: r.expiresAt.toISOString(), staff: r.staff };
      },
    );

    app.post(
      '/api/auth/logout',
      {
        config: { totpEnrolment: true, endsSession: 'staff' },
        schema: { tags: ['auth'], summary: 'Revoke the current token', response: { 204: z.null() } },
      },
      async (req, reply) => {
        requireStaff(req.principal);
        if (req.sessionToken) await logout(db, req.sessionToken);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/me',
      {
        config: { totpEnrolment: true },
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
              pinSet: z.boolean().describe('She has a till PIN (担当切替)'),
              totp: z.object({
                enabled: z.boolean(),
                required: z.boolean(),
                /** Her role requires it and she has not enrolled: every other route answers 403 until she does. */
                enrolmentRequired: z.boolean(),
              }),
            }),
          },
        },
      },
      async (req) => describeMe(db, requireStaff(req.principal)),
    );

    // Her sessions (「ログイン中の端末」): each staff member her own.
    app.get(
      '/api/me/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: 'My signed-in devices (live sessions), newest first; `current` is this one',
          response: { 200: sessionListSchema },
        },
      },
      async (req) => ({ items: await listMySessions(db, req.principal) }),
    );
    app.delete(
      '/api/me/sessions/:id',
      {
        schema: {
          tags: ['auth'],
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
      '/api/me/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign out everywhere: `?keep=current` ends every session but this one, without it all of them',
          querystring: keepQuery,
          response: { 200: revokedSchema },
        },
      },
      async (req) => revokeMySessions(db, req.principal, { keepCurrent: req.query.keep === 'current' }),
    );

    app.put(
      '/api/me/password',
      {
        config: { throttled: true },
        schema: {
          tags: ['auth'],
          summary: 'Change my password (the current one, then a new one of at least 10 characters)',
          description:
            'Her other sessions end; this one stays. A wrong current password is 400 (throttled as a login).',
          body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(10).max(200) }),
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await changeMyPassword(db, req.principal, { ...req.body, ip: req.ip });
        return reply.code(204).send(null);
      },
    );

    const policyAnswer = z.object({ requireTotpFor: z.array(z.enum(staffRoles)) });
    const code = z.object({ code: z.string().min(1).max(16) });

    app.post(
      '/api/me/totp',
      {
        config: { throttled: true, totpEnrolment: true },
        schema: {
          tags: ['auth'],
          summary: 'Start two-factor enrolment: a new secret, pending until confirmed',
          response: { 201: z.object({ secret: z.string(), uri: z.string() }) },
        },
      },
      async (req, reply) => reply.code(201).send(await startTotp(db, req.principal)),
    );

    app.post(
      '/api/me/totp/confirm',
      {
        config: { throttled: true, totpEnrolment: true },
        schema: {
          tags: ['auth'],
          summary: 'Confirm enrolment with a code from the app: two-factor sign-in is on',
          body: code,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await confirmTotp(db, req.principal, req.body.code, req.ip);
        return reply.code(204).send(null);
      },
    );

    app.delete(
      '/api/me/totp',
      {
        schema: {
          tags: ['auth'],
          summary: 'Turn two-factor sign-in off (a current code; refused while the role requires it)',
          body: code,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await disableTotp(db, req.principal, req.body.code, req.ip);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/staff/security',
      {
        schema: {
          tags: ['staff'],
          summary: "The owner's sign-in policy (owner/hq)",
          response: { 200: policyAnswer },
        },
      },
      async (req) => getSecurityPolicy(db, req.principal),
    );

    app.put(
      '/api/staff/security',
      {
        schema: {
          tags: ['staff'],
          summary: 'Set the sign-in policy: the roles that must use two-factor sign-in (owner)',
          body: securityPolicySchema,
          response: { 200: policyAnswer },
        },
      },
      async (req) => putSecurityPolicy(db, req.principal, req.body),
    );

    await app.register(staffAdminRoutes(db));
    await app.register(apiTokenRoutes(db));
  };
