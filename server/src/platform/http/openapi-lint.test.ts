import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/harness.ts';
import { operationIdOf } from './openapi.ts';
import { webhookEventNames } from '../../modules/notifications/service.ts';

const run = promisify(execFile);
const redocly = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

interface Operation {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  parameters?: { $ref?: string; name?: string }[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: object }> }>;
}
type Doc = { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, unknown>> };

const operations = (doc: Doc) =>
  Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, op })),
  );

/** `redocly lint` (the recommended rules) on the document, as an integrator or CI would run it: its totals and problems. */
async function lint(doc: unknown) {
  const dir = await mkdtemp(join(tmpdir(), 'musubi-openapi-'));
  try {
    await writeFile(join(dir, 'openapi.json'), JSON.stringify(doc, null, 2));
    // Offline: no telemetry, no update check (the lint itself needs no network for a local file).
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' };
    const { stdout } = await run(
      process.execPath,
      [redocly, 'lint', '--extends=recommended', '--format=json', 'openapi.json'],
      { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 },
    ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    return JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describeEachDatabase('the OpenAPI document', (ctx) => {
  let doc: Doc;

  it('passes redocly lint with the recommended rules: no error, no warning', async () => {
    doc = (await ctx().api('GET', '/api/openapi.json', { token: null })).json() as Doc;
    const result = await lint(doc);
    const listed = result.problems.slice(0, 20).map((p) => `${p.ruleId}: ${p.message} ${p.location[0]?.pointer}`);
    expect(listed).toEqual([]);
    expect(result.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('names every operation by its method and path, and sums it up', () => {
    for (const { name, method, path, op } of operations(doc)) {
      expect(op.operationId, name).toBe(operationIdOf(method, path));
      expect(op.summary, name).toBeTruthy();
    }
    expect(operationIdOf('get', '/api/orders/{id}/returns')).toBe('getOrdersByIdReturns');
    expect(operationIdOf('post', '/api/carts/{id}/checkout')).toBe('postCartsByIdCheckout');
  });

  it('gives every error answer as the one Problem schema, and types every success', () => {
    const problem = doc.components.schemas!.Problem as { required: string[]; properties: Record<string, unknown> };
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['errors']));
    for (const { name, op } of operations(doc)) {
      expect(op.responses.default?.$ref, name).toBe('#/components/responses/Problem');
      expect(op.responses['400']?.$ref, name).toBe('#/components/responses/BadRequest');
      for (const [status, response] of Object.entries(op.responses)) {
        if (response.$ref || !response.content) continue;
        for (const [type, media] of Object.entries(response.content))
          expect(Object.keys(media.schema ?? {}), `${name} ${status} ${type} has a schema`).not.toEqual([]);
      }
    }
  });

  it('declares Idempotency-Key once, on the writes that honour it', () => {
    const honouring = operations(doc)
      .filter(({ op }) => op.parameters?.some((p) => p.$ref === '#/components/parameters/IdempotencyKey'))
      .map((o) => o.name);
    expect(honouring).toEqual(
      expect.arrayContaining(['POST /api/carts/{id}/checkout', 'POST /api/pos/sales', 'POST /api/orders/{id}/returns']),
    );
    expect(honouring.every((n) => !n.startsWith('GET '))).toBe(true);
    const inline = operations(doc).filter(({ op }) => op.parameters?.some((p) => p.name === 'Idempotency-Key'));
    expect(inline.map((o) => o.name)).toEqual([]);
  });

  it('says who may call each operation with the staff, customer and API token schemes', () => {
    const schemes = Object.keys(doc.components.securitySchemes!);
    expect(schemes).toEqual(
      expect.arrayContaining(['staffSession', 'staffCookie', 'customerSession', 'customerCookie', 'apiToken']),
    );
    const securityOf = (name: string) => operations(doc).find((o) => o.name === name)!.op.security;
    expect(securityOf('GET /api/products')).toEqual([]);
    expect(securityOf('GET /api/account/orders')).toEqual([{ customerSession: [] }, { customerCookie: [] }]);
    // An API token only where a scope opens the operation, and that scope named (platform/api-scopes.ts).
    expect(securityOf('POST /api/stock-movements')).toEqual(
      expect.arrayContaining([{ apiToken: ['inventory:write'] }, { staffSession: [] }]),
    );
    expect(securityOf('POST /api/pos/sales')).toEqual([{ staffSession: [] }, { staffCookie: [] }]);
  });

  it('documents every webhook event with an example payload in the webhooks section', () => {
    const webhooks = (doc as unknown as { webhooks: Record<string, { post: WebhookOp }> }).webhooks;
    type WebhookOp = { requestBody: { content: { 'application/json': { example: { event: string; data: object } } } } };
    expect(Object.keys(webhooks)).toEqual(expect.arrayContaining([...webhookEventNames]));
    for (const [name, { post }] of Object.entries(webhooks)) {
      const example = post.requestBody.content['application/json'].example;
      expect(example.event, name).toBe(name);
      expect(Object.keys(example.data).length, name).toBeGreaterThan(0);
    }
    expect(JSON.stringify(webhooks['customer.deleted'])).not.toMatch(/hanako|山田|090/);
  });

  it('describes the paging parameters once and refers every list to them', () => {
    const params = (doc.components as { parameters?: Record<string, unknown> }).parameters ?? {};
    expect(Object.keys(params)).toEqual(expect.arrayContaining(['Cursor', 'Limit']));
    const inline = operations(doc).flatMap(({ name, op }) =>
      ((op.parameters ?? []) as Array<{ name?: string; $ref?: string }>)
        .filter((p) => p.name === 'cursor')
        .map(() => name),
    );
    expect(inline, 'cursor parameters written out instead of #/components/parameters/Cursor').toEqual([]);
    const orders = operations(doc).find((o) => o.name === 'GET /api/orders')!.op.parameters as unknown[];
    expect(orders).toContainEqual({ $ref: '#/components/parameters/Cursor' });
  });
});
