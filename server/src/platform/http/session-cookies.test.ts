import { expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachDatabase, newStaff, STAFF_PASSWORD, type TestApp } from '../../test/harness.ts';
import { audienceOfPath, csrfTokenFor } from './session-cookies.ts';

const PASSWORD = 'sakura-password-2026';
const COOKIE = { 'x-musubi-session': 'cookie' };
let counter = 0;

/** The Set-Cookie header of an answer, one string per cookie. */
function setCookies(res: LightMyRequestResponse): string[] {
  const h = res.headers['set-cookie'];
  return h === undefined ? [] : Array.isArray(h) ? h : [h];
}

/** The value a cookie was set to (as the browser would then send it back). */
function cookieValue(res: LightMyRequestResponse, name: string): string {
  const line = setCookies(res).find((c) => c.startsWith(`${name}=`));
  if (!line) throw new Error(`no ${name} cookie in ${JSON.stringify(setCookies(res))}`);
  return line.slice(name.length + 1).split(';')[0]!;
}

async function signUpWithCookie(app: TestApp) {
  const email = `cookie${++counter}.${Date.now()}@example.jp`;
  const res = await app.api('POST', '/api/customer-auth/register', {
    token: null,
    headers: { ...COOKIE, host: 'localhost:3000' },
    body: { email, password: PASSWORD, name: '小林 さくら', nameKana: 'こばやし さくら' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { res, email, cookie: cookieValue(res, 'musubi_customer'), csrf: res.json().csrfToken as string };
}

it('sends each path the cookie of its audience, as the web client does', () => {
  expect(audienceOfPath('/api/account')).toBe('customer');
  expect(audienceOfPath('/api/account/orders?limit=5')).toBe('customer');
  expect(audienceOfPath('/api/carts/crt_1/lines')).toBe('customer');
  expect(audienceOfPath('/api/orders/ord_1')).toBe('customer');
  expect(audienceOfPath('/api/orders/ord_1?x=1')).toBe('customer');
  expect(audienceOfPath('/api/orders/ord_1/fulfilments/f/status')).toBe('staff');
  expect(audienceOfPath('/api/orders')).toBe('staff');
  expect(audienceOfPath('/api/accounting')).toBe('staff');
  expect(audienceOfPath('/api/stream?locationIds=a')).toBe('staff');
});

describeEachDatabase('web sessions in HttpOnly cookies, with CSRF protection', (ctx) => {
  it('a cookie sign-in sets an HttpOnly, SameSite=Lax cookie and answers the CSRF token instead of the token', async () => {
    const app = ctx();
    const { res, cookie, csrf } = await signUpWithCookie(app);
    const body = res.json();
    expect(body.token).toBeUndefined();
    expect(body.csrfToken).toBe(csrfTokenFor('test-secret-0123456789abcdef', cookie));
    const line = setCookies(res).find((c) => c.startsWith('musubi_customer='))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Lax/);
    expect(line).toMatch(/; Secure/); // loopback counts as a secure context, as browsers say
    expect(line).toMatch(/; Path=\/api/);
    expect(line).toMatch(/; Expires=/); // hers lasts her session's 90 days
    // Plain HTTP on a shop's LAN: no Secure flag, or the browser would drop the cookie.
    const lan = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      headers: { ...COOKIE, host: '192.168.1.20:3000' },
      body: { email: body.customer.email, password: PASSWORD },
    });
    expect(lan.statusCode, lan.body).toBe(200);
    expect(setCookies(lan).find((c) => c.startsWith('musubi_customer='))).not.toMatch(/Secure/);

    // Reading needs only the cookie; a change needs the CSRF token too.
    const me = await app.api('GET', '/api/account', { token: null, headers: { cookie: `musubi_customer=${cookie}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(body.customer.email);
    const unsigned = await app.api('PATCH', '/api/account', {
      token: null,
      headers: { cookie: `musubi_customer=${cookie}`, 'accept-language': 'en' },
      body: { name: '偽 名前' },
    });
    expect(unsigned.statusCode).toBe(403);
    expect(unsigned.headers['content-type']).toContain('application/problem+json');
    expect(unsigned.json()).toMatchObject({ code: 'platform.csrf', title: 'Request not accepted from this page' });
    const forged = await app.api('PATCH', '/api/account', {
      token: null,
      headers: { cookie: `musubi_customer=${cookie}`, 'x-csrf-token': csrf.slice(0, -2) + 'xx' },
      body: { name: '偽 名前' },
    });
    expect(forged.statusCode).toBe(403);
    // Even with the right token, a request another site's page started is refused.
    const crossSite = await app.api('PATCH', '/api/account', {
      token: null,
      headers: { cookie: `musubi_customer=${cookie}`, 'x-csrf-token': csrf, 'sec-fetch-site': 'cross-site' },
      body: { name: '偽 名前' },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(
      (await app.api('GET', '/api/account', { token: null, headers: { cookie: `musubi_customer=${cookie}` } })).json()
        .name,
    ).toBe('小林 さくら');
    const signed = await app.api('PATCH', '/api/account', {
      token: null,
      headers: { cookie: `musubi_customer=${cookie}`, 'x-csrf-token': csrf, 'sec-fetch-site': 'same-origin' },
      body: { name: '小林 さくら子' },
    });
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json().name).toBe('小林 さくら子');
  });

  it('logging out ends the session and clears the cookie; an ended session’s cookie is forgotten, not an error on public pages', async () => {
    const app = ctx();
    const { cookie, csrf } = await signUpWithCookie(app);
    const headers = { cookie: `musubi_customer=${cookie}`, 'x-csrf-token': csrf };
    const out = await app.api('POST', '/api/customer-auth/logout', { token: null, headers });
    expect(out.statusCode, out.body).toBe(204);
    expect(setCookies(out).find((c) => c.startsWith('musubi_customer='))).toMatch(/Expires=Thu, 01 Jan 1970/);
    // The old cookie no longer signs anyone in…
    expect((await app.api('GET', '/api/account', { token: null, headers })).statusCode).toBe(401);
    // …and on a public read it is dropped, not answered with 401.
    const products = await app.api('GET', '/api/carts/crt_nothing', { token: null, headers });
    expect(products.statusCode).not.toBe(401);
    expect(setCookies(products).find((c) => c.startsWith('musubi_customer='))).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('a clerk’s cookie ends with the browser, is used only on staff paths, and bearer tokens work as before', async () => {
    const app = ctx();
    const { email } = await newStaff(app, 'hq', []);
    const login = await app.api('POST', '/api/auth/login', {
      token: null,
      headers: COOKIE,
      body: { email, password: STAFF_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.json().token).toBeUndefined();
    const line = setCookies(login).find((c) => c.startsWith('musubi_staff='))!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).not.toMatch(/Expires|Max-Age/); // a session cookie: a shared till forgets it when closed
    const staffCookie = cookieValue(login, 'musubi_staff');
    const me = await app.api('GET', '/api/me', { token: null, headers: { cookie: `musubi_staff=${staffCookie}` } });
    expect(me.statusCode).toBe(200);
    // Her account paths never take the clerk's cookie.
    const account = await app.api('GET', '/api/account', {
      token: null,
      headers: { cookie: `musubi_staff=${staffCookie}` },
    });
    expect(account.statusCode).toBe(401);
    // API clients: a bearer token, no CSRF token needed, no cookie set.
    const bearer = await app.api('POST', '/api/auth/login', { token: null, body: { email, password: STAFF_PASSWORD } });
    expect(bearer.json().token).toMatch(/\S{20,}/);
    expect(setCookies(bearer)).toEqual([]);
    const out = await app.api('POST', '/api/auth/logout', { token: bearer.json().token });
    expect(out.statusCode).toBe(204);
    // The cookie session is another session: still signed in.
    expect(
      (await app.api('GET', '/api/me', { token: null, headers: { cookie: `musubi_staff=${staffCookie}` } })).statusCode,
    ).toBe(200);
    const cookieOut = await app.api('POST', '/api/auth/logout', {
      token: null,
      headers: { cookie: `musubi_staff=${staffCookie}`, 'x-csrf-token': login.json().csrfToken },
    });
    expect(cookieOut.statusCode).toBe(204);
    expect(
      (await app.api('GET', '/api/me', { token: null, headers: { cookie: `musubi_staff=${staffCookie}` } })).statusCode,
    ).toBe(401);
  });

  it('signing in ignores an old cookie, so a stale session never blocks a new one', async () => {
    const app = ctx();
    const { email, cookie } = await signUpWithCookie(app);
    const again = await app.api('POST', '/api/customer-auth/login', {
      token: null,
      headers: { ...COOKIE, cookie: `musubi_customer=${cookie}` }, // no CSRF token: not needed to sign in
      body: { email, password: PASSWORD },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(cookieValue(again, 'musubi_customer')).not.toBe(cookie);
  });
});
