import { createServer, type IncomingMessage } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { outbox } from '../../platform/db/platform-schema.ts';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import { EgressGuard, EgressRefused } from '../../platform/egress.ts';
import type { Db } from '../../platform/db/connection.ts';
import { describeEachDatabase, testHosts, type TestApp } from '../../test/harness.ts';
import { webhookChannel } from './webhooks.ts';

/** A partner on loopback that verifies with the Standard Webhooks library, as an integrator's receiver would. */
async function standardReceiver(secret: string | (() => string), answer = 204, headers: Record<string, string> = {}) {
  const got: { headers: IncomingMessage['headers']; body: string; verified: unknown; error: string | null }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      let verified: unknown = null;
      let error: string | null = null;
      try {
        verified = new Webhook(typeof secret === 'string' ? secret : secret()).verify(
          body,
          req.headers as Record<string, string>,
        );
      } catch (err) {
        error = String(err);
      }
      got.push({ headers: req.headers, body, verified, error });
      res.writeHead(error ? 401 : answer, headers);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function queueWebhook(db: Db, endpointId: string, data: Record<string, unknown>) {
  const [row] = await db
    .insert(outbox)
    .values({ channel: 'webhook', recipient: endpointId, template: 'order.ready', payload: { data } })
    .returning();
  return row!;
}

async function deliver(app: TestApp, egress = app.server.egress) {
  const db = app.server.database.db;
  return deliverOutbox(
    db,
    { webhook: webhookChannel(db, { egress, timeoutMs: 3000 }) },
    {
      now: () => new Date(Date.now() + 1000),
    },
  );
}

describe('egress: which addresses a webhook may reach', () => {
  const guard = new EgressGuard();
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.10.20', 'link_local'],
    ['fe80::1', 'link_local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
  ])('%s is refused (%s)', (address, reason) => {
    expect(guard.refusal(address)).toBe(reason);
  });
  it.each(['203.0.113.80', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '2400:cb00::1'])(
    '%s is a public address',
    (address) => expect(guard.refusal(address)).toBeNull(),
  );
  it('the operator allows a CIDR, and only that one', () => {
    const allowing = new EgressGuard({ allow: ['127.0.0.0/8', '10.9.0.0/16'] });
    expect(allowing.refusal('127.0.0.1')).toBeNull();
    expect(allowing.refusal('10.9.4.5')).toBeNull();
    expect(allowing.refusal('10.10.0.1')).toBe('private');
    expect(allowing.refusal('::1')).toBe('loopback');
  });
  it('a name is refused when any of its addresses is, and resolved by the injected resolver only', async () => {
    const resolve = vi.fn(async (host: string) =>
      host === 'mixed.test'
        ? [
            { address: '203.0.113.5', family: 4 as const },
            { address: '10.0.0.5', family: 4 as const },
          ]
        : [{ address: '203.0.113.6', family: 4 as const }],
    );
    const g = new EgressGuard({ resolve });
    await expect(g.resolve(new URL('https://mixed.test/hook'))).rejects.toBeInstanceOf(EgressRefused);
    await expect(g.resolve(new URL('https://ok.test/hook'))).resolves.toEqual([{ address: '203.0.113.6', family: 4 }]);
    await expect(g.resolve(new URL('http://[::ffff:192.168.0.1]/'))).rejects.toThrow(/private/);
    expect(resolve).toHaveBeenCalledTimes(2); // an address literal is never looked up
  });
});

describeEachDatabase('webhooks: Standard Webhooks signatures, verified by the standardwebhooks library', (ctx) => {
  it('a new endpoint gets a whsec_ secret and standard headers the library verifies; a legacy one keeps Musubi-Signature', async () => {
    const app = ctx();
    const db = app.server.database.db;
    let secret = '';
    const rx = await standardReceiver(() => secret);
    try {
      const created = await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['*'] } });
      expect(created.statusCode, created.body).toBe(201);
      const ep = created.json();
      secret = ep.secret;
      expect(ep.signature).toBe('standard');
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
      const row = await queueWebhook(db, ep.id, { orderId: 'ord_std', number: 'S-1', note: '取り置き ✓' });
      await deliver(app);
      expect(rx.got).toHaveLength(1);
      const [hit] = rx.got;
      expect(hit!.error).toBeNull();
      expect(hit!.verified).toMatchObject({ id: `whd_${row.id}`, event: 'order.ready', data: { number: 'S-1' } });
      expect(hit!.headers['webhook-id']).toBe(`whd_${row.id}`);
      expect(hit!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(hit!.headers['musubi-signature']).toBeUndefined();
      const [sent] = await db.select().from(outbox).where(eq(outbox.id, row.id));
      expect(sent!.sentAt).not.toBeNull();

      // The same secret with a tampered body, or another secret, does not verify.
      expect(() =>
        new Webhook(secret).verify(hit!.body.replace('S-1', 'S-2'), hit!.headers as Record<string, string>),
      ).toThrow();

      // A secret the caller brings must be a standard one; a legacy endpoint may keep its own.
      const bad = await app.api('POST', '/api/webhooks', {
        body: { url: rx.url, events: ['*'], secret: 'not-base64-secret-at-all' },
        headers: { 'accept-language': 'en' },
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toMatchObject({ code: 'notifications.bad_webhook_secret', title: 'Invalid signing secret' });
      const own = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
      const mine = await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['*'], secret: own } });
      expect(mine.statusCode, mine.body).toBe(201);
      await app.api('DELETE', `/api/webhooks/${mine.json().id}`);

      const legacy = (
        await app.api('POST', '/api/webhooks', {
          body: { url: rx.url, events: ['*'], secret: 'legacy-receiver-secret-01', signature: 'legacy' },
        })
      ).json();
      expect(legacy.signature).toBe('legacy');
      await app.api('DELETE', `/api/webhooks/${ep.id}`);
      await queueWebhook(db, legacy.id, { number: 'L-1' });
      await deliver(app);
      expect(rx.got).toHaveLength(2);
      expect(rx.got[1]!.headers['musubi-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(rx.got[1]!.headers['webhook-signature']).toBeUndefined();
      expect(rx.got[1]!.error).not.toBeNull(); // the standard library does not know the legacy scheme
      await app.api('DELETE', `/api/webhooks/${legacy.id}`);
      const listed = (await app.api('GET', '/api/webhooks')).json().items;
      expect(listed.map((e: { signature: string }) => e.signature)).toEqual(
        expect.arrayContaining(['legacy', 'standard']),
      );
    } finally {
      await rx.close();
    }
  });

  it('connects to the address it checked: a name that changes after the check is not looked up again', async () => {
    const app = ctx();
    const db = app.server.database.db;
    let secret = '';
    const rx = await standardReceiver(() => secret);
    const lookups: string[] = [];
    // First answer loopback (allowed in the tests), then a private address, as a rebinding name server would.
    const rebinding = new EgressGuard({
      allow: ['127.0.0.0/8'],
      resolve: async (host) => {
        lookups.push(host);
        return [{ address: lookups.length === 1 ? '127.0.0.1' : '10.0.0.9', family: 4 }];
      },
    });
    testHosts.set('rebind.test', ['127.0.0.1']);
    try {
      const ep = (
        await app.api('POST', '/api/webhooks', { body: { url: `http://rebind.test:${rx.port}/hook`, events: ['*'] } })
      ).json();
      secret = ep.secret;
      await queueWebhook(db, ep.id, { number: 'R-1' });
      await deliver(app, rebinding);
      expect(lookups).toEqual(['rebind.test']); // checked once; the connection used that answer
      expect(rx.got).toHaveLength(1);
      expect(rx.got[0]!.error).toBeNull();
      expect(rx.got[0]!.headers.host).toBe(`rebind.test:${rx.port}`);

      // The next delivery resolves again, gets the private address and is refused before any connection.
      const row = await queueWebhook(db, ep.id, { number: 'R-2' });
      await deliver(app, rebinding);
      expect(rx.got).toHaveLength(1);
      const [dead] = await db.select().from(outbox).where(eq(outbox.id, row.id));
      expect(dead).toMatchObject({
        attempts: 1,
        sentAt: null,
        lastError: 'refused: rebind.test is 10.0.0.9, a private address',
      });
      expect(dead!.deadAt).not.toBeNull();
      await app.api('DELETE', `/api/webhooks/${ep.id}`);
    } finally {
      testHosts.delete('rebind.test');
      await rx.close();
    }
  });

  it('rolling the secret: both sign during the overlap; a legacy endpoint moves to the standard scheme', async () => {
    const app = ctx();
    const db = app.server.database.db;
    let secret = '';
    const rx = await standardReceiver(() => secret);
    try {
      const ep = (await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['*'] } })).json();
      const old = ep.secret as string;
      const rolled = await app.api('POST', `/api/webhooks/${ep.id}/roll-secret`, { body: {} });
      expect(rolled.statusCode, rolled.body).toBe(200);
      const fresh = rolled.json().secret as string;
      expect(fresh).not.toBe(old);
      expect(rolled.json()).toMatchObject({ signature: 'standard', previousSecretUntil: expect.any(String) });
      const until = Date.parse(rolled.json().previousSecretUntil) - Date.now();
      expect(until).toBeGreaterThan(23.9 * 3600_000);
      expect(until).toBeLessThanOrEqual(24 * 3600_000);

      // During the overlap the receiver verifies with the old secret or the new one.
      secret = old;
      await queueWebhook(db, ep.id, { number: 'K-1' });
      await deliver(app);
      secret = fresh;
      await queueWebhook(db, ep.id, { number: 'K-2' });
      await deliver(app);
      expect(rx.got.map((g) => g.error)).toEqual([null, null]);
      expect(String(rx.got[0]!.headers['webhook-signature']).split(' ')).toHaveLength(2);

      // Rolled with no overlap: the old one no longer verifies.
      const now = (await app.api('POST', `/api/webhooks/${ep.id}/roll-secret`, { body: { overlapHours: 0 } })).json();
      expect(now.previousSecretUntil).toBeNull();
      secret = fresh;
      await queueWebhook(db, ep.id, { number: 'K-3' });
      await deliver(app);
      expect(rx.got[2]!.error).not.toBeNull();
      expect(String(rx.got[2]!.headers['webhook-signature']).split(' ')).toHaveLength(1);
      await app.api('DELETE', `/api/webhooks/${ep.id}`);

      // A legacy endpoint moves to Standard Webhooks with a new whsec_ secret.
      const legacy = (
        await app.api('POST', '/api/webhooks', {
          body: { url: rx.url, events: ['*'], secret: 'legacy-receiver-secret-02', signature: 'legacy' },
        })
      ).json();
      const moved = (
        await app.api('POST', `/api/webhooks/${legacy.id}/roll-secret`, { body: { signature: 'standard' } })
      ).json();
      expect(moved).toMatchObject({ signature: 'standard', previousSecretUntil: null });
      secret = moved.secret;
      await queueWebhook(db, legacy.id, { number: 'K-4' });
      await deliver(app);
      expect(rx.got[3]!.error).toBeNull();
      await app.api('DELETE', `/api/webhooks/${legacy.id}`);
      expect((await app.api('POST', `/api/webhooks/${legacy.id}/roll-secret`, { body: {} })).statusCode).toBe(404);
    } finally {
      await rx.close();
    }
  });

  it('does not follow a redirect', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const target = await standardReceiver('whsec_' + Buffer.alloc(32, 1).toString('base64'));
    const rx = await standardReceiver(() => secret, 302, { location: target.url });
    let secret = '';
    try {
      const ep = (await app.api('POST', '/api/webhooks', { body: { url: rx.url, events: ['*'] } })).json();
      secret = ep.secret;
      const row = await queueWebhook(db, ep.id, { number: 'X-1' });
      await deliver(app);
      expect(rx.got).toHaveLength(1);
      expect(target.got).toHaveLength(0);
      const [after] = await db.select().from(outbox).where(eq(outbox.id, row.id));
      expect(after).toMatchObject({ sentAt: null, deadAt: null, lastStatus: 302, lastError: 'HTTP 302' });
      await app.api('DELETE', `/api/webhooks/${ep.id}`);
    } finally {
      await rx.close();
      await target.close();
    }
  });
});

describeEachDatabase(
  'webhooks: addresses inside the network are refused (no WEBHOOK_ALLOW_CIDRS)',
  (ctx) => {
    const connects: unknown[][] = [];
    afterEach(() => {
      vi.restoreAllMocks();
      connects.length = 0;
    });
    /** Every socket connect made while `fn` runs (none may be for the refused addresses). */
    function watchConnects() {
      const original = net.Socket.prototype.connect;
      vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
        connects.push(args);
        return (original as (...a: unknown[]) => net.Socket).apply(this, args);
      });
    }

    it('the connect watch sees connections (so its silence below means something)', async () => {
      const server = net.createServer((s) => s.end());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      watchConnects();
      const port = (server.address() as AddressInfo).port;
      await new Promise<void>((r, j) => net.connect(port, '127.0.0.1', r).on('error', j));
      expect(connects.some((c) => JSON.stringify(c).includes(String(port)))).toBe(true);
      await new Promise<void>((r) => server.close(() => r()));
    });

    it.each([
      ['http://127.0.0.1:9/hook', '127.0.0.1', 'loopback', 'ループバック'],
      ['http://localhost/hook', '127.0.0.1', 'loopback', 'ループバック'],
      ['http://10.0.0.1/hook', '10.0.0.1', 'private', 'プライベート'],
      ['http://192.168.10.1/hook', '192.168.10.1', 'private', 'プライベート'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'metadata', 'クラウドのメタデータ'],
      ['http://[fd00:ec2::254]/', 'fd00:ec2::254', 'metadata', 'クラウドのメタデータ'],
      ['http://100.64.1.1/hook', '100.64.1.1', 'cgnat', 'キャリアグレードNAT'],
      ['http://[fc00::5]/hook', 'fc00::5', 'private', 'プライベート'],
      ['http://[fe80::1]/hook', 'fe80::1', 'link_local', 'リンクローカル'],
      ['http://0.0.0.0/hook', '0.0.0.0', 'unspecified', '未指定'],
      ['http://239.1.1.1/hook', '239.1.1.1', 'multicast', 'マルチキャスト'],
      ['https://metadata.test/computeMetadata', '169.254.169.254', 'metadata', 'クラウドのメタデータ'],
      ['https://intranet.test/hook', '10.20.30.40', 'private', 'プライベート'],
    ])('registering %s is refused with 422 (%s)', async (url, address, reason, ja) => {
      const app = ctx();
      testHosts.set('metadata.test', ['169.254.169.254']);
      testHosts.set('intranet.test', ['203.0.113.9', '10.20.30.40']);
      watchConnects();
      const res = await app.api('POST', '/api/webhooks', { body: { url, events: ['order.*'] } });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({
        type: '/problems/notifications.webhook_address_refused',
        code: 'notifications.webhook_address_refused',
        title: 'この宛先には送信できません',
        errors: [{ field: 'url', message: `refused_${reason}` }],
      });
      expect(res.json().detail).toContain(`${address}（${ja}）`);
      const en = await app.api('POST', '/api/webhooks', {
        body: { url, events: ['order.*'] },
        headers: { 'accept-language': 'en' },
      });
      expect(en.json()).toMatchObject({ title: 'Address not allowed' });
      expect(en.json().detail).toContain(`points at ${address}`);
      expect(connects.filter((c) => JSON.stringify(c).includes(address))).toEqual([]);
    });

    it('a delivery to a name that now resolves inside the network is a dead letter with its reason, never connected', async () => {
      const app = ctx();
      const db = app.server.database.db;
      testHosts.set('partner.test', ['203.0.113.44']); // public when registered (nothing is sent to it)
      try {
        const created = await app.api('POST', '/api/webhooks', {
          body: { url: 'https://partner.test/hook', events: ['*'] },
        });
        expect(created.statusCode, created.body).toBe(201);
        testHosts.set('partner.test', ['169.254.169.254']); // …and the metadata service when delivered
        const row = await queueWebhook(db, created.json().id, { number: 'M-1' });
        watchConnects();
        const result = await deliver(app);
        expect(result).toMatchObject({ sent: 0, dead: 1 });
        expect(connects.filter((c) => JSON.stringify(c).includes('169.254'))).toEqual([]);
        const [dead] = await db.select().from(outbox).where(eq(outbox.id, row.id));
        expect(dead).toMatchObject({
          attempts: 1,
          sentAt: null,
          lastError: 'refused: partner.test is 169.254.169.254, a metadata address',
        });
        expect(dead!.deadAt).not.toBeNull();
        const listed = (await app.api('GET', '/api/deliveries?status=dead&channel=webhook')).json().items;
        expect(listed[0]).toMatchObject({ id: row.id, lastError: expect.stringContaining('metadata') });
        await app.api('DELETE', `/api/webhooks/${created.json().id}`);
      } finally {
        testHosts.delete('partner.test');
      }
    });
  },
  { env: { WEBHOOK_ALLOW_CIDRS: '' } },
);
