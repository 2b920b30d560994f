import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { DomainError, problemDefinition, renderText, type FieldError, type Lang, type ProblemCode } from '../errors.ts';
import { errorField, sqlState } from '../db/tx.ts';
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
    // A refusal that says how long to wait says it in the header too (RFC 9110 §10.2.3), in seconds.
    const wait = err.params.retryAfterSeconds;
    if (typeof wait === 'number' && wait > 0) reply.header('retry-after', String(Math.ceil(wait)));
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
  const refused = refusedByDatabase(err, state);
  if (refused) {
    // The input got past the schema but not the database: a gap in a route's schema or service checks.
    request.log.warn({ err }, 'input refused by the database');
    const fields = refused.fields.map((f) => ({ ...f, message: translateKey(f.message, lang) }));
    return with_(problemFor(refused.code, lang, {}, fields));
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

/**
 * Bad input the database refused: a foreign key to nothing, a check or not-null rule broken, a duplicate,
 * or a value of the wrong form, length or range. The field is named when the report allows (the key of
 * a foreign key or a duplicate, the column of a not-null, the column a check is named after).
 */
function refusedByDatabase(
  err: unknown,
  state: string | undefined,
): { code: ProblemCode; fields: FieldError[] } | undefined {
  if (!state) return undefined;
  const field = (column: string | undefined, message: string) =>
    column ? [{ field: column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), message }] : [];
  const keyColumn = () => /^Key \(([a-z0-9_]+)\)=/.exec(errorField(err, 'detail') ?? '')?.[1];
  switch (state) {
    case '23503':
      return { code: 'platform.invalid_reference', fields: field(keyColumn(), 'invalid_reference') };
    case '23505':
      return { code: 'platform.already_exists', fields: field(keyColumn(), 'taken') };
    case '23502':
      return { code: 'platform.constraint_violation', fields: field(errorField(err, 'column'), 'required') };
    case '23514': {
      const table = errorField(err, 'table');
      const constraint = errorField(err, 'constraint') ?? '';
      // Our checks are named <table>_<column>[_nonneg|_range|_check] (cart_lines_quantity, stock_levels_on_hand_nonneg).
      const column =
        table && constraint.startsWith(`${table}_`)
          ? constraint.slice(table.length + 1).replace(/_(check|nonneg|range|positive)$/, '')
          : undefined;
      return { code: 'platform.constraint_violation', fields: field(column, 'constraint') };
    }
  }
  // Class 22, data exception: 22P02 invalid text representation, 22001 too long, 22003 out of range,
  // 22007/22008 bad or overflowing datetime, 22P05/22021 text the encoding cannot hold, 22023 bad parameter.
  if (state.startsWith('22')) return { code: 'platform.invalid_value', fields: [] };
  return undefined;
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
