import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  registerCustomer,
  type TestApp,
} from '../../test/harness.ts';

/**
 * Bad input is always a 4xx: every operation of our own OpenAPI document, called as the owner, as a
 * member and as nobody, with requests built from its schemas — well-shaped values, boundaries, wrong
 * types, NUL bytes, unpaired surrogates, huge strings, unknown ids. No answer may be a 5xx, and every
 * error is a problem document. The seed is fixed, so a failure reproduces; FUZZ_SEED, FUZZ_ROUNDS and
 * FUZZ_BUDGET_MS explore further, FUZZ_DEBUG=1 shows how deep each operation's requests get.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
/** Requests per operation per round: 116 operations × 10 × 4 rounds ≈ 4,600 requests. */
const RUNS_PER_ROUND = 10;
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 4);
/** No new round starts after this, so a loaded machine still finishes well within a minute. */
const TIME_BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 35_000);

/**
 * Operations a fuzz cannot call meaningfully: an endless stream, a whole-database dump, and setting a store's
 * receipt printer (a random host would make each later print look it up and connect: traffic leaving loopback;
 * its validation is receipt-print.test.ts's).
 */
const SKIPPED = new Set(['GET /api/stream', 'GET /api/backup', 'PUT /api/locations/{id}/receipt-printer']);
type Caller = 'owner' | 'customer' | 'anonymous';
/** Operations only called anonymously: as anyone else they would end the session the fuzz goes on with. */
const ANONYMOUS_ONLY = new Set(['POST /api/auth/logout', 'POST /api/customer-auth/logout', 'POST /api/account/delete']);

/**
 * The error handler's safety net for input only the database refused. It keeps such input a 4xx, but
 * each one is a gap in a route's schema or a service's checks, with a vaguer answer than they would give.
 */
const REFUSED_BY_DATABASE = new Set([
  'platform.invalid_value',
  'platform.invalid_reference',
  'platform.constraint_violation',
  'platform.already_exists',
]);

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body: Schema | undefined;
}

interface FuzzRequest {
  as: Caller;
  lang: 'ja' | 'en';
  url: string;
  body: unknown;
}

/** Strings that have broken databases and parsers before. */
const NASTY = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '',
  ' ',
  '%',
  '../../etc/passwd',
  "' OR 1=1 --",
  '𠮷野家🍣',
  'ｱｲｳｴｵ',
  'x'.repeat(70_000),
  'あ'.repeat(3_000),
  '-1',
  '1e400',
  'NaN',
  'null',
  'true',
  '2026-02-30',
  '9999-12-31T23:59:59Z',
];
const WRONG_TYPES: unknown[] = [null, true, 0, -1, 1.5, 'text', [], {}, [null], { a: 1 }, 2 ** 53, -(2 ** 31) - 1];
const BIG_INTEGERS = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 1e15];

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) {
      const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: (op.parameters as Parameter[] | undefined) ?? [],
        body,
      });
    }
  }
  return ops;
}

/** Values a schema accepts, more or less: the shape is right, the contents are often at a boundary. */
function shaped(schema: Schema, name: string, ids: string[], depth: number, dirty: boolean): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => value(s, name, ids, depth, dirty)));
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? 'any'];
  if (types.length > 1) return fc.oneof(...types.map((t) => shaped({ ...schema, type: t }, name, ids, depth, dirty)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1e6);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1e6);
      const lo = Math.max(min, -1e9);
      const hi = Math.min(max, 1e9);
      const inRange =
        types[0] === 'integer'
          ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
          : fc.double({ min: lo, max: hi, noNaN: true });
      const edges = fc.constantFrom(Math.ceil(lo), Math.floor(hi));
      if (!dirty) return fc.oneof({ weight: 4, arbitrary: inRange }, { weight: 1, arbitrary: edges });
      return fc.oneof(
        { weight: 4, arbitrary: inRange },
        {
          weight: 1,
          arbitrary: fc.constantFrom(min, max, min - 1, max + 1, ...BIG_INTEGERS),
        },
      );
    }
    case 'string':
      return stringFor(schema, name, ids, dirty);
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 4));
      return fc.array(value(schema.items ?? {}, name, ids, depth + 1, dirty), {
        minLength,
        maxLength,
      });
    }
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = schema.properties ?? {};
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, s]) => [k, value(s, k, ids, depth + 1, dirty)])),
        { requiredKeys: (schema.required ?? []).filter((k) => k in props) },
      );
      if (typeof schema.additionalProperties !== 'object') return record;
      const extra = fc.dictionary(
        dirty
          ? fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY.slice(0, 5)))
          : fc.string({ maxLength: 8 }),
        value(schema.additionalProperties, name, ids, depth + 1, dirty),
        { maxKeys: 3 },
      );
      return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
    }
    default:
      // Any JSON at all (an event's payload).
      return dirty
        ? fc.constantFrom(...WRONG_TYPES)
        : fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 20 }), fc.integer()), {
            maxKeys: 3,
          });
  }
}

function stringFor(schema: Schema, name: string, ids: string[], dirty: boolean): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 200;
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  const longest = 'x'.repeat(Math.min(Math.max(maxLength, minLength), 100_000));
  const text = fc.oneof(
    fc.string({
      minLength,
      maxLength: Math.min(maxLength, Math.max(minLength, 30)),
      unit: 'grapheme',
    }),
    fc.constantFrom(...WORDS.filter(fits), longest),
  );
  const likely = likelyString(schema, name, ids);
  const clean = likely ? fc.oneof({ weight: 6, arbitrary: likely.filter(fits) }, { weight: 1, arbitrary: text }) : text;
  if (!dirty) return clean;
  return fc.oneof(
    { weight: 4, arbitrary: clean },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom(`${longest}x`, '') },
  );
}

/** The id prefix (ids.ts) of what a field names: `locationId`, `toLocationId`, the `{id}` after /carts. */
const ID_PREFIXES: Array<[RegExp, string]> = [
  [/location/i, 'loc'],
  [/variant/i, 'var'],
  [/product/i, 'prd'],
  [/merge/i, 'mrg'],
  [/customer|survivor|other/i, 'cus'],
  [/orderLine/i, 'oln'],
  [/fulfilment/i, 'ful'],
  [/order/i, 'ord'],
  [/cart/i, 'crt'],
  [/reservation/i, 'rsv'],
  [/transfer/i, 'trf'],
  [/promotion/i, 'prm'],
  [/coupon/i, 'cpn'],
  [/categor|parent/i, 'cat'],
  [/staff/i, 'stf'],
  [/notification/i, 'ntf'],
  [/webhook/i, 'whe'],
  [/batch/i, 'bat'],
];

/** Words a shop sends, of every script, for fields with no more telling name or pattern. */
const WORDS = ['カフェラテ', 'やまだ はなこ', '渋谷店', 'ﾊﾝｶｸｶﾅ', 'ＡＢＣ１２３', 'T-shirt M', '🍣', 'a', '0'];

/** What a field of this name or format usually holds: an id we know, a date, an e-mail, a phone number. */
function likelyString(schema: Schema, name: string, ids: string[]): fc.Arbitrary<string> | undefined {
  if (schema.format === 'date-time' || /At$|Start$|^from$|^to$/.test(name))
    return fc
      .date({
        min: new Date('2020-01-01'),
        max: new Date('2035-01-01'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  if (schema.format === 'email' || /email/i.test(name))
    return fc.constantFrom('hanako@example.jp', 'owner@example.jp', 'taro.yamada+shop@example.co.jp');
  if (/phone/i.test(name)) return fc.constantFrom('090-1234-5678', '03-3333-4444', '+81 80 1111 2222', '12-34');
  if (/^url$/i.test(name)) return fc.constantFrom('https://example.jp/hooks/musubi', 'http://127.0.0.1:9/x');
  if (/^jan$/i.test(name))
    return fc.oneof(fc.constantFrom(...ids.filter((i) => /^\d{13}$/.test(i))), fc.stringMatching(/^49\d{11}$/));
  if (schema.pattern && schema.pattern.length < 120) return fc.stringMatching(new RegExp(schema.pattern));
  if (/id$|code$|number$/i.test(name) && ids.length) {
    const prefix = ID_PREFIXES.find(([re]) => re.test(name))?.[1];
    const ofKind = ids.filter((id) => prefix && id.startsWith(`${prefix}_`));
    const any = fc.constantFrom(...ids);
    return ofKind.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ofKind) }, any) : any;
  }
  return undefined;
}

/**
 * A value for one place in a request: well shaped, or in a dirty request sometimes of the wrong type or
 * a nasty string.
 */
function value(schema: Schema, name: string, ids: string[], depth: number, dirty: boolean): fc.Arbitrary<unknown> {
  if (!dirty) return shaped(schema, name, ids, depth, dirty);
  return fc.oneof(
    { weight: 12, arbitrary: shaped(schema, name, ids, depth, dirty) },
    { weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES) },
    { weight: 1, arbitrary: fc.constantFrom(...NASTY) },
  );
}

/** Percent-encoding that also writes an unpaired surrogate (as the bytes a careless client would send). */
function encode(raw: unknown): string {
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw);
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

/** A path parameter named for what it is: the `{id}` of /api/carts/{id} is a cart id. */
function paramName(path: string, name: string): string {
  if (name !== 'id') return name;
  const segments = path.split('/');
  return `${segments[segments.indexOf('{id}') - 1] ?? ''}Id`;
}

function requestsFor(op: Operation, ids: string[]): fc.Arbitrary<FuzzRequest> {
  return fc.boolean().chain((dirty) => requestsOf(op, ids, dirty));
}

function requestsOf(op: Operation, ids: string[], dirty: boolean): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const path = fc
    .tuple(...pathParams.map((p) => value(p.schema, paramName(op.path, p.name), ids, 0, dirty)))
    .map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, encode(values[i])), op.path));
  const query = fc
    .tuple(
      ...queryParams.map((p) =>
        fc.option(value(p.schema, p.name, ids, 0, dirty), {
          nil: undefined,
          freq: 2,
        }),
      ),
    )
    .map((values) =>
      queryParams
        .flatMap((p, i) => (values[i] === undefined ? [] : [`${encodeURIComponent(p.name)}=${encode(values[i])}`]))
        .join('&'),
    );
  const body = op.body
    ? fc.option(value(op.body, 'body', ids, 0, dirty), {
        nil: undefined,
        freq: 8,
      })
    : fc.constant(undefined);
  const as = ANONYMOUS_ONLY.has(`${op.method} ${op.path}`)
    ? fc.constant<Caller>('anonymous')
    : fc.constantFrom<Caller>('owner', 'owner', 'customer', 'anonymous');
  return fc
    .record({
      as,
      lang: fc.constantFrom('ja' as const, 'en' as const),
      path,
      query,
      body,
    })
    .map((r) => ({
      as: r.as,
      lang: r.lang,
      url: r.query ? `${r.path}?${r.query}` : r.path,
      body: r.body,
    }));
}

/** Real ids for the fuzz to hit (so requests get past "not found"), and some that exist nowhere. */
async function knownIds(app: TestApp, customer: { id: string; memberNumber: string }): Promise<string[]> {
  const location = await createTestLocation(app);
  const { productId, variantIds, jans } = await createTestProduct(app, {
    variants: 2,
  });
  return [
    location,
    productId,
    ...variantIds,
    ...jans,
    customer.id,
    customer.memberNumber,
    'var_00000000000000000000',
    'loc_unknown',
    'cus_0',
    'ord_x',
    'nope',
  ];
}

/** A request written for a failure report: runs of one character counted, the rest cut at 300. */
function short(text: string): string {
  return text.replace(/(.)\1{19,}/g, (run, ch: string) => `${ch}×${run.length}`).slice(0, 300);
}

/** Ids the answers mention (a cart, an order, a coupon code), so later operations can act on them. */
function harvestIds(body: string, ids: string[], keep: number) {
  for (const [id] of body.matchAll(/(?<=")[a-z]{3}_[0-9A-Za-z]{8,40}(?=")/g)) {
    if (ids.includes(id)) continue;
    ids.push(id);
    if (ids.length > 300) ids.splice(keep, 1); // the oldest harvested id makes room
  }
}

/** What is wrong with an answer, or undefined: a 5xx, an error that is no problem document, a database refusal. */
function fault(res: { statusCode: number; headers: Record<string, unknown>; body: string }): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}`;
  if (res.statusCode < 400) return undefined;
  if (!String(res.headers['content-type']).startsWith('application/problem+json'))
    return `${res.statusCode} not a problem document`;
  const problem = JSON.parse(res.body) as Record<string, unknown>;
  if (!['type', 'title', 'status', 'code'].every((k) => k in problem))
    return `${res.statusCode} problem without type, title, status and code`;
  if (REFUSED_BY_DATABASE.has(String(problem.code))) return `${res.statusCode} refused by the database`;
  return undefined;
}

/** FUZZ_DEBUG=1: each operation's answers by status and code, to see how deep the requests get. */
function tally(counts: Map<string, Record<string, number>>, op: Operation, res: { statusCode: number; body: string }) {
  if (!process.env.FUZZ_DEBUG) return;
  const key = `${op.method} ${op.path}`;
  const code = res.statusCode >= 400 ? `:${(JSON.parse(res.body) as { code?: string }).code}` : '';
  const row = counts.get(key) ?? {};
  row[`${res.statusCode}${code}`] = (row[`${res.statusCode}${code}`] ?? 0) + 1;
  counts.set(key, row);
}

describeEachDatabase('bad input is always a 4xx (fuzz of every operation)', (ctx) => {
  it('answers no request with a 5xx, and every error with a problem document', async () => {
    const app = ctx();
    const started = Date.now();
    const doc = (await app.api('GET', '/api/openapi.json', { token: null })).json();
    const member = await registerCustomer(app);
    const ids = await knownIds(app, member.customer);
    const known = ids.length;
    const tokens: Record<Caller, string | null | undefined> = {
      owner: undefined,
      customer: member.token,
      anonymous: null,
    };
    const operations = operationsOf(doc).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
    const histogram: Record<number, number> = {};
    const perOperation = new Map<string, Record<string, number>>();
    const failures: string[] = [];
    let sent = 0;
    let rounds = 0;
    // Rounds over every operation, so later rounds use the ids earlier ones created (a cart, an order),
    // and so a slow machine that runs out of time budget stops evenly, after a whole round.
    for (; rounds < ROUNDS && Date.now() - started < TIME_BUDGET_MS; rounds++) {
      for (const [index, op] of operations.entries()) {
        const requests = fc.sample(requestsFor(op, ids), {
          seed: SEED + rounds * 1000 + index,
          numRuns: RUNS_PER_ROUND,
        });
        for (const req of requests) {
          const res = await app.api(op.method, req.url, {
            body: req.body,
            token: tokens[req.as],
            headers: { 'accept-language': req.lang },
          });
          sent++;
          histogram[res.statusCode] = (histogram[res.statusCode] ?? 0) + 1;
          tally(perOperation, op, res);
          const wrong = fault(res);
          if (wrong) {
            const what = `${op.method} ${short(req.url)} as ${req.as} ${short(JSON.stringify(req.body) ?? '')}`;
            failures.push(`${wrong} (round ${rounds}): ${what}\n    → ${res.body.slice(0, 300)}`);
          }
          if (res.statusCode < 400) harvestIds(res.body, ids, known);
          // The owner may have merged or deleted the member the fuzz calls as: carry on as a new one.
          if (req.as === 'customer' && res.statusCode === 401) tokens.customer = (await registerCustomer(app)).token;
        }
      }
    }
    console.log(
      `fuzz [${app.target}] seed ${SEED}: ${sent} requests (${rounds} of ${ROUNDS} rounds) over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${JSON.stringify(histogram)}`,
    );
    for (const [key, row] of perOperation) console.log(key, JSON.stringify(row));
    expect(failures).toEqual([]);
  }, 120_000);
});
