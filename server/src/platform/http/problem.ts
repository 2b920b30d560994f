import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError, problemDefinition, renderText, type FieldError, type Lang } from '../errors.ts';
import { sqlState } from '../db/tx.ts';
import { pickLang } from './lang.ts';
import { translateIssue, translateKey, type RawIssue } from './field-messages.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

/** Members of the problem document itself; a parameter of the same name must not overwrite them. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'errors']);

export function problemFor(
  code: string,
  lang: Lang,
  params: Record<string, unknown> = {},
  fields?: FieldError[],
): Problem {
  const def = problemDefinition(code) ?? problemDefinition('platform.internal')!;
  const text = def[lang];
  const problem: Problem = {
    type: `/problems/${code}`,
    title: text.title,
    status: def.status,
    detail: renderText(text.detail, params),
    code,
  };
  if (fields?.length) problem.errors = fields;
  // Structured facts a client can act on (e.g. which line was short) travel beside the text.
  for (const [k, v] of Object.entries(params)) {
    if (!k.startsWith('reason') && !RESERVED.has(k) && v !== undefined && typeof v !== 'function') problem[k] = v;
  }
  return problem;
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('content-language', reply.request.lang ?? 'ja')
    .send(JSON.stringify(problem));
}

function issuesToFields(issues: RawIssue[], lang: Lang, where?: string): FieldError[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return {
      field: where && where !== 'body' ? (path ? `${where}.${path}` : where) : path,
      message: translateIssue(issue, lang),
    };
  });
}

/** The one error handler: every failure leaves as application/problem+json. */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const lang = request.lang ?? pickLang(request.headers['accept-language']);
  const instance = request.url.split('?')[0];
  const with_ = (p: Problem) => sendProblem(reply, { ...p, instance });

  if (err instanceof DomainError) {
    const fields = err.fields?.map((f) => ({ ...f, message: translateKey(f.message, lang) }));
    return with_(problemFor(err.code, lang, err.params, fields));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      ...(v.params as object),
      code: v.keyword,
      message: v.message,
      path: v.instancePath.split('/').filter(Boolean),
    })) as RawIssue[];
    return with_(
      problemFor(
        'platform.validation',
        lang,
        {},
        issuesToFields(issues, lang, (err as FastifyError).validationContext),
      ),
    );
  }
  if (err instanceof ZodError) {
    return with_(problemFor('platform.validation', lang, {}, issuesToFields(err.issues as RawIssue[], lang)));
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return with_(problemFor('platform.unsupported_media_type', lang));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return with_(problemFor('platform.payload_too_large', lang));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return with_(problemFor('platform.invalid_json', lang));
  }
  if (fe.statusCode === 400 && (err instanceof SyntaxError || /JSON/i.test(err.message))) {
    return with_(problemFor('platform.invalid_json', lang));
  }
  const state = sqlState(err);
  if (state === '40001' || state === '40P01' || state === '55P03') {
    return with_(problemFor('platform.conflict', lang));
  }
  // 57014: cancelled by statement_timeout; the others are the pool's own connect and query timeouts.
  if (state?.startsWith('08') || state === '57P01' || state === '57014' || isDriverTimeout(err)) {
    request.log.error({ err }, 'database unavailable');
    return with_(problemFor('platform.unavailable', lang));
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 404
        ? 'platform.not_found'
        : fe.statusCode === 429
          ? 'platform.rate_limited'
          : 'platform.validation';
    return with_(problemFor(code, lang, { path: instance }));
  }
  request.log.error({ err }, 'unhandled error');
  return with_(problemFor('platform.internal', lang, { requestId: request.id }));
}

/** pg's client-side timeouts carry no SQLSTATE, only their message (possibly under Drizzle's wrapper). */
function isDriverTimeout(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /^(timeout exceeded when trying to connect|Query read timeout)$/.test(message))
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
