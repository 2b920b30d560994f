import { expect, it } from 'vitest';
import { createTestLocation, describeEachDatabase, newStaff, type TestApp } from '../../test/harness.ts';

/**
 * The store page (issue 17 §1): the services a store offers (お直し, 試着, 免税 …) and its events, kept by the
 * store's manager and head office, read by anyone; each change in the audit trail.
 */

const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

async function events(app: TestApp, store: string) {
  const res = await app.api('GET', `/api/locations/${store}/events`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as Array<{ id: string; title: string; description: string; startsAt: string }>;
}

describeEachDatabase('the store page: services and events', (ctx) => {
  it('a manager lists her store’s services; shoppers read them in one order, each once; the trail has the change', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const owner = await newStaff(app, 'owner', []);
    const manager = await newStaff(app, 'store_manager', [store]);
    const res = await app.api('PATCH', `/api/locations/${store}`, {
      token: manager.token,
      body: { amenities: ['tax_free', 'fitting', 'alterations', 'fitting'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().amenities).toEqual(['fitting', 'alterations', 'tax_free']);
    const shopper = await app.api('GET', `/api/locations/${store}`);
    expect(shopper.json().amenities).toEqual(['fitting', 'alterations', 'tax_free']);

    const trail = await app.api('GET', `/api/audit?locationId=${store}&action=location.updated`, {
      token: owner.token,
    });
    expect(trail.json().items[0].detail.changes).toEqual({
      amenities: { from: [], to: ['fitting', 'alterations', 'tax_free'] },
    });

    const bad = await app.api('PATCH', `/api/locations/${store}`, {
      token: manager.token,
      body: { amenities: ['spa'] },
      headers: { 'accept-language': 'ja' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it('the manager announces an event; anyone sees today’s and coming ones, soonest first, and not past ones', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [store]);
    const post = (body: object) => app.api('POST', `/api/locations/${store}/events`, { token: manager.token, body });

    const later = await post({ title: '秋冬コレクション展示会', startsAt: inHours(48), endsAt: inHours(52) });
    expect(later.statusCode, later.body).toBe(201);
    const now = await post({
      title: 'お直し相談会',
      description: 'パンツの裾上げを無料で承ります。',
      startsAt: inHours(-1),
      endsAt: inHours(2),
    });
    expect(now.statusCode, now.body).toBe(201);
    expect((await post({ title: '終わった催し', startsAt: inHours(-5), endsAt: inHours(-3) })).statusCode).toBe(201);
    expect(
      (await post({ title: '遠い先の催し', startsAt: inHours(24 * 90), endsAt: inHours(24 * 90 + 2) })).statusCode,
    ).toBe(201);

    const list = await events(app, store);
    expect(list.map((e) => e.title)).toEqual(['お直し相談会', '秋冬コレクション展示会']);
    expect(list[0]!.description).toBe('パンツの裾上げを無料で承ります。');

    // Changed, then taken off the page.
    const id = later.json().id as string;
    const patch = await app.api('PATCH', `/api/locations/${store}/events/${id}`, {
      token: manager.token,
      body: { title: '秋冬コレクション先行展示会' },
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect((await events(app, store)).map((e) => e.title)).toContain('秋冬コレクション先行展示会');
    const del = await app.api('DELETE', `/api/locations/${store}/events/${id}`, { token: manager.token });
    expect(del.statusCode).toBe(204);
    expect((await events(app, store)).map((e) => e.title)).toEqual(['お直し相談会']);

    const owner = await newStaff(app, 'owner', []);
    const trail = await app.api('GET', `/api/audit?locationId=${store}`, { token: owner.token });
    const actions = (trail.json().items as Array<{ action: string }>).map((r) => r.action);
    expect(actions.filter((a) => a.startsWith('store_event.')).sort()).toEqual([
      'store_event.created',
      'store_event.created',
      'store_event.created',
      'store_event.created',
      'store_event.deleted',
      'store_event.updated',
    ]);
  });

  it('an event that ends before it starts is refused in the caller’s language; other stores’ staff and clerks may not post', async () => {
    const app = ctx();
    const store = await createTestLocation(app);
    const other = await createTestLocation(app);
    const manager = await newStaff(app, 'store_manager', [store]);
    const otherManager = await newStaff(app, 'store_manager', [other]);
    const clerk = await newStaff(app, 'staff', [store]);
    const body = { title: 'ワークショップ', startsAt: inHours(5), endsAt: inHours(3) };

    const ja = await app.api('POST', `/api/locations/${store}/events`, {
      token: manager.token,
      body,
      headers: { 'accept-language': 'ja' },
    });
    expect(ja.statusCode).toBe(400);
    expect(ja.body).toContain('終了は開始より後');
    const en = await app.api('POST', `/api/locations/${store}/events`, {
      token: manager.token,
      body,
      headers: { 'accept-language': 'en' },
    });
    expect(en.body).toContain('The end must be after the start');

    const fine = { ...body, endsAt: inHours(7) };
    expect(
      (await app.api('POST', `/api/locations/${store}/events`, { token: otherManager.token, body: fine })).statusCode,
    ).toBe(403);
    expect(
      (await app.api('POST', `/api/locations/${store}/events`, { token: clerk.token, body: fine })).statusCode,
    ).toBe(403);
    expect((await app.api('POST', `/api/locations/${store}/events`, { token: null, body: fine })).statusCode).toBe(401);
    const missing = await app.api('DELETE', `/api/locations/${store}/events/sev_nope`, { token: manager.token });
    expect(missing.statusCode).toBe(404);
    expect((await app.api('GET', '/api/locations/loc_nope/events')).statusCode).toBe(404);
  });
});
