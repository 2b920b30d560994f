import { expect, it } from 'vitest';
import { describeEachDatabase } from '../../test/harness.ts';

const week = {
  mon: { open: '10:00', close: '20:00' },
  tue: { open: '10:00', close: '20:00' },
  wed: null,
  thu: { open: '10:00', close: '20:00' },
  fri: { open: '10:00', close: '21:00' },
  sat: { open: '09:00', close: '21:00' },
  sun: { open: '09:00', close: '19:00' },
};
const store = (code: string) => ({
  code,
  name: 'むすびマーケット 自由が丘店',
  nameKana: 'むすびまーけっと じゆうがおかてん',
  kind: 'store',
  prefecture: '東京都',
  city: '目黒区',
  address: '自由が丘1-1-1',
  postalCode: '152-0035',
  lat: 35.6076,
  lng: 139.6688,
  nearestStation: '自由が丘',
  openingHours: week,
  services: { pickup: true, orderAhead: true, deliveryRadiusKm: 3, shipping: true },
});

describeEachDatabase('locations administration', (ctx) => {
  it('head office opens a store, changes its hours and closes it; shoppers see it only while open', async () => {
    const created = await ctx().api('POST', '/api/locations', { body: store('JYG') });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ timezone: 'Asia/Tokyo', services: { deliveryRadiusKm: 3 } });
    const near = async () =>
      (
        (await ctx().api('GET', '/api/locations?near=35.6076,139.6688&radiusKm=1', { token: null })).json()
          .items as Array<{ id: string }>
      ).map((l) => l.id);
    expect(await near()).toContain(id);

    const hours = await ctx().api('PATCH', `/api/locations/${id}`, {
      body: { openingHours: { ...week, wed: { open: '11:00', close: '19:00' } } },
    });
    expect(hours.statusCode).toBe(200);
    expect(hours.json()).toMatchObject({
      nameKana: 'むすびまーけっと じゆうがおかてん',
      openingHours: { wed: { open: '11:00', close: '19:00' } },
    });

    const closed = await ctx().api('PATCH', `/api/locations/${id}`, { body: { active: false } });
    expect(closed.statusCode).toBe(200);
    expect(await near()).not.toContain(id);
  });

  it('refuses a duplicate code, bad hours and store staff, with clear problems', async () => {
    await ctx().api('POST', '/api/locations', { body: store('DUP') });
    const dup = await ctx().api('POST', '/api/locations', { body: store('DUP') });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('locations.code_taken');
    const bad = await ctx().api('POST', '/api/locations', {
      body: { ...store('BAD'), openingHours: { ...week, mon: { open: '25:00', close: '20:00' } } },
      headers: { 'accept-language': 'en' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ field: 'openingHours.mon.open', message: 'Use HH:MM (24-hour)' }]);
    const someStore = (await ctx().api('GET', '/api/locations', { token: null })).json().items[0].id as string;
    await ctx().api('POST', '/api/staff', {
      body: {
        email: 'clerk.loc@example.jp',
        name: '店員',
        password: 'clerk-password-1',
        role: 'staff',
        locationIds: [someStore],
      },
    });
    const login = await ctx().api('POST', '/api/auth/login', {
      token: null,
      body: { email: 'clerk.loc@example.jp', password: 'clerk-password-1' },
    });
    const denied = await ctx().api('POST', '/api/locations', { token: login.json().token, body: store('NOPE') });
    expect(denied.statusCode).toBe(403);
  });
});
