import { monochromePng } from '../../test/png.ts';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import {
  createTestLocation,
  createTestProduct,
  describeEachDatabase,
  newStaff,
  receive,
  type TestApp,
} from '../../test/harness.ts';

/**
 * The till's receipt on the store's ESC/POS printer (issue 11 §3), printed to a local TCP receiver that
 * answers the status query as a printer does and keeps the bytes: the store's name and the registration
 * number in Shift_JIS, the total, the cut (GS V), the drawer kick (ESC p) on a cash sale only, 「再発行」 on
 * a re-print; a dead printer is a clear answer within the timeout; only the store's staff print, only its
 * manager sets the printer.
 */

const TIMEOUT_MS = 600;
/** Shift_JIS, as the printer reads it (hard-coded from the JIS table, not from the code under test). */
const SJIS = {
  登録番号: Buffer.from([0x93, 0x6f, 0x98, 0x5e, 0x94, 0xd4, 0x8d, 0x86]),
  結び: Buffer.from([0x8c, 0x8b, 0x82, 0xd1]),
  再発行: Buffer.from([0x8d, 0xc4, 0x94, 0xad, 0x8d, 0x73]),
  テスト印刷: Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x88, 0xf3, 0x8d, 0xfc]),
  オフライン: Buffer.from([0x83, 0x49, 0x83, 0x74, 0x83, 0x89, 0x83, 0x43, 0x83, 0x93]),
};
const CUT = Buffer.from([0x1d, 0x56]); // GS V
const DRAWER = Buffer.from([0x1b, 0x70]); // ESC p

type Mode = 'printer' | 'silent' | 'offline';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A receipt printer on 127.0.0.1: answers DLE EOT 1 (online, or cover open), and hands over each job's bytes. */
async function printer(mode: Mode = 'printer') {
  const jobs: Buffer[] = [];
  const waiting: Array<(b: Buffer) => void> = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (d) => {
      chunks.push(d);
      if (mode !== 'silent' && d.includes(Buffer.from([0x10, 0x04, 0x01])))
        socket.write(Buffer.from([mode === 'offline' ? 0x1e : 0x16]));
    });
    socket.on('end', () => {
      const job = Buffer.concat(chunks);
      const w = waiting.shift();
      if (w) w(job);
      else jobs.push(job);
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  servers.push(server);
  // A silent printer keeps its connections open: close them when the test ends.
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    next: () => new Promise<Buffer>((r) => (jobs.length ? r(jobs.shift()!) : waiting.push(r))),
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => server.close(r));
    },
  };
}

async function storeWithPrinter(app: TestApp, port: number, extra: Record<string, unknown> = {}) {
  const store = await createTestLocation(app, { name: '結び 渋谷神南店' });
  const set = await app.api('PUT', `/api/locations/${store}/receipt-printer`, {
    body: { host: '127.0.0.1', port, ...extra },
  });
  expect(set.statusCode, set.body).toBe(200);
  return store;
}

async function sell(app: TestApp, store: string, payments: unknown[], token?: string) {
  const tea = await createTestProduct(app, { name: '緑茶', taxRate: 8 });
  await receive(app, tea.variantIds[0]!, store, 5);
  const res = await app.api('POST', '/api/pos/sales', {
    ...(token ? { token } : {}),
    body: {
      locationId: store,
      lines: [{ jan: tea.jans[0], quantity: 2 }],
      payments,
      clientTransactionId: `till-print-${Math.random().toString(36).slice(2, 10)}`,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { order: { id: string; total: number } };
}

describeEachDatabase(
  'receipts on the store printer',
  (ctx) => {
    it('a cash sale prints with the store, the registration number, the total, the cut and the drawer kick; a re-print says 再発行', async () => {
      const app = ctx();
      const business = await app.api('PUT', '/api/business', {
        body: { name: '結び商店株式会社', registrationNumber: 'T1180301018771' },
      });
      expect(business.statusCode, business.body).toBe(200);
      const logo = await app.api('PUT', '/api/business/logo', {
        body: { png: monochromePng(120, 40).toString('base64') },
      });
      expect(logo.statusCode, logo.body).toBe(200);
      const p = await printer();
      const store = await storeWithPrinter(app, p.port);
      const { order } = await sell(app, store, [{ method: 'cash', amount: 2200, tendered: 5000 }]);
      const total = order.total;

      const res = await app.api('POST', `/api/orders/${order.id}/print`, { body: {} });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ printed: true, copy: false });
      const job = await p.next();
      expect(job.subarray(0, 3)).toEqual(Buffer.from([0x10, 0x04, 0x01])); // asked its status first
      expect(job.includes(SJIS.結び)).toBe(true);
      expect(job.includes(SJIS.登録番号)).toBe(true);
      expect(job.includes(Buffer.from('T1180301018771'))).toBe(true);
      expect(total).toBe(2200);
      expect(job.includes(Buffer.from('2,200'))).toBe(true);
      expect(job.includes(CUT)).toBe(true);
      expect(job.includes(DRAWER)).toBe(true);
      expect(job.includes(SJIS.再発行)).toBe(false);
      // The logo as a raster image (GS 8 L … 48 112: store graphics data and print it), 120 dots wide.
      const image = job.indexOf(Buffer.from([0x1d, 0x38, 0x4c]));
      expect(image).toBeGreaterThan(-1);
      expect([...job.subarray(image + 7, image + 9)]).toEqual([0x30, 0x70]);
      expect(job.readUInt16LE(image + 13)).toBe(120);
      expect(image).toBeLessThan(job.indexOf(SJIS.結び)); // above the store's name

      const again = await app.api('POST', `/api/orders/${order.id}/print`, { body: { copy: true } });
      expect(again.statusCode, again.body).toBe(200);
      const copy = await p.next();
      expect(copy.includes(SJIS.再発行)).toBe(true);
      expect(copy.includes(DRAWER)).toBe(false); // a re-print never opens the drawer
      expect(copy.includes(CUT)).toBe(true);
    });

    it('a card terminal sale prints without opening the drawer; an offline sale says オフライン取引', async () => {
      const app = ctx();
      const p = await printer();
      const store = await storeWithPrinter(app, p.port);
      const { order } = await sell(app, store, [
        { method: 'terminal', amount: 2200, reference: '123456', brand: 'JCB' },
      ]);
      const res = await app.api('POST', `/api/orders/${order.id}/print`, { body: {} });
      expect(res.statusCode, res.body).toBe(200);
      const job = await p.next();
      expect(job.includes(CUT)).toBe(true);
      expect(job.includes(DRAWER)).toBe(false);
      expect(job.includes(Buffer.from('123456'))).toBe(true);
      expect(job.includes(SJIS.オフライン)).toBe(false);

      const tote = await createTestProduct(app, { name: '帆布トート' });
      const synced = await app.api('POST', '/api/pos/sales', {
        body: {
          locationId: store,
          lines: [{ jan: tote.jans[0], quantity: 1, unitPrice: 1000, discount: 0 }],
          payments: [{ method: 'cash', amount: 1000, tendered: 1000 }],
          clientTransactionId: 'T20261205-1030-ABCD',
          offline: { at: new Date(Date.now() - 3_600_000).toISOString(), discounts: [] },
        },
      });
      expect(synced.statusCode, synced.body).toBe(201);
      const print = await app.api('POST', `/api/orders/${synced.json().order.id}/print`, { body: { copy: true } });
      expect(print.statusCode, print.body).toBe(200);
      const offline = await p.next();
      expect(offline.includes(SJIS.オフライン)).toBe(true);
      expect(offline.includes(Buffer.from('T20261205-1030-ABCD'))).toBe(true);
    });

    it('a printer that takes the connection and never answers, one that is gone, and one with its cover open are clear answers within the timeout', async () => {
      const app = ctx();
      const silent = await printer('silent');
      const store = await storeWithPrinter(app, silent.port);
      const { order } = await sell(app, store, [{ method: 'cash', amount: 2200, tendered: 5000 }]);
      let started = Date.now();
      const hung = await app.api('POST', `/api/orders/${order.id}/print`, {
        body: {},
        headers: { 'accept-language': 'ja' },
      });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
      expect(hung.statusCode).toBe(409);
      expect(hung.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(hung.json()).toMatchObject({ code: 'printer.unreachable', title: 'レシートプリンターに接続できません' });

      const gone = await printer();
      await gone.close(); // nothing listens on its port any more: the connection is refused
      await app.api('PUT', `/api/locations/${store}/receipt-printer`, { body: { host: '127.0.0.1', port: gone.port } });
      started = Date.now();
      const refused = await app.api('POST', `/api/orders/${order.id}/print`, {
        body: {},
        headers: { 'accept-language': 'en' },
      });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
      expect(refused.json()).toMatchObject({ status: 409, code: 'printer.unreachable' });
      expect(refused.json().detail).toContain(`127.0.0.1:${gone.port}`);

      const open = await printer('offline');
      await app.api('PUT', `/api/locations/${store}/receipt-printer`, { body: { host: '127.0.0.1', port: open.port } });
      const cover = await app.api('POST', `/api/orders/${order.id}/print`, { body: {} });
      expect(cover.json()).toMatchObject({ status: 409, code: 'printer.not_ready' });

      await app.api('PUT', `/api/locations/${store}/receipt-printer`, {
        body: { host: '127.0.0.1', port: open.port, enabled: false },
      });
      const off = await app.api('POST', `/api/orders/${order.id}/print`, { body: {} });
      expect(off.json()).toMatchObject({ status: 409, code: 'printer.not_configured' });
    });

    it("only the store's staff print and only its manager or head office set the printer; a wrong address is a 400", async () => {
      const app = ctx();
      const p = await printer();
      const store = await storeWithPrinter(app, p.port);
      const other = await createTestLocation(app);
      const clerk = await newStaff(app, 'staff', [store]);
      const stranger = await newStaff(app, 'staff', [other]);
      const otherManager = await newStaff(app, 'store_manager', [other]);
      const manager = await newStaff(app, 'store_manager', [store]);
      const { order } = await sell(app, store, [{ method: 'cash', amount: 2200, tendered: 5000 }]);

      expect(
        (await app.api('POST', `/api/orders/${order.id}/print`, { body: {}, token: stranger.token })).statusCode,
      ).toBe(403);
      expect(
        (await app.api('POST', `/api/orders/${order.id}/print`, { body: {}, token: clerk.token })).statusCode,
      ).toBe(200);
      await p.next();

      const body = { host: 'tm-m30.local', port: 9100, drawerKick: false, autoPrint: true };
      const put = (token: string, b: unknown = body) =>
        app.api('PUT', `/api/locations/${store}/receipt-printer`, { token, body: b });
      expect((await put(clerk.token)).statusCode).toBe(403);
      expect((await put(otherManager.token)).statusCode).toBe(403);
      expect(
        (await app.api('GET', `/api/locations/${store}/receipt-printer`, { token: stranger.token })).statusCode,
      ).toBe(403);
      const set = await put(manager.token);
      expect(set.statusCode, set.body).toBe(200);
      const read = await app.api('GET', `/api/locations/${store}/receipt-printer`, { token: clerk.token });
      expect(read.json().printer).toMatchObject({
        host: 'tm-m30.local',
        port: 9100,
        drawerKick: false,
        autoPrint: true,
      });

      for (const wrong of [
        { host: 'http://192.168.1.50/' },
        { host: 'プリンター' },
        { host: '192.168.1.500' },
        { host: '' },
        { host: '192.168.1.50', port: 0 },
        { host: '192.168.1.50', port: 70000 },
      ]) {
        const res = await put(manager.token, wrong);
        expect(res.statusCode, JSON.stringify(wrong)).toBe(400);
      }
      const ja = await app.api('PUT', `/api/locations/${store}/receipt-printer`, {
        token: manager.token,
        body: { host: 'a b' },
        headers: { 'accept-language': 'ja' },
      });
      expect(JSON.stringify(ja.json())).toContain('IP アドレス');
      // A private address on the store's network is what a printer has.
      expect((await put(manager.token, { host: '192.168.1.50' })).statusCode).toBe(200);
      expect((await put(manager.token, { host: 'fe80::1' })).statusCode).toBe(200);
    });

    it('「テスト印刷」 prints a short slip with the store’s name on the saved printer, never the drawer; only its manager or head office', async () => {
      const app = ctx();
      const p = await printer();
      const store = await storeWithPrinter(app, p.port, { enabled: false }); // checked before switching it on
      const manager = await newStaff(app, 'store_manager', [store]);
      const clerk = await newStaff(app, 'staff', [store]);
      const res = await app.api('POST', `/api/locations/${store}/receipt-printer/test`, { token: manager.token });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ printed: true });
      const job = await p.next();
      expect(job.includes(SJIS.結び)).toBe(true);
      expect(job.includes(SJIS.テスト印刷)).toBe(true);
      expect(job.includes(CUT)).toBe(true);
      expect(job.includes(DRAWER)).toBe(false);

      const refused = await app.api('POST', `/api/locations/${store}/receipt-printer/test`, { token: clerk.token });
      expect(refused.statusCode).toBe(403);
      const none = await createTestLocation(app);
      const unset = await app.api('POST', `/api/locations/${none}/receipt-printer/test`);
      expect(unset.statusCode).toBe(409);
      expect(unset.json().code).toBe('printer.not_configured');
      await p.close();
      const gone = await app.api('POST', `/api/locations/${store}/receipt-printer/test`, { token: manager.token });
      expect(gone.statusCode).toBe(409);
      expect(gone.json().code).toBe('printer.unreachable');
    });
  },
  { env: { RECEIPT_PRINTER_TIMEOUT_MS: String(TIMEOUT_MS) } },
);
