import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, openDesk, openPhone, staffLogin } from './support/browser.ts';
import { ensureWebBuilt, startMusubi, type Musubi } from './support/musubi.ts';

if (!hasChromium) console.warn('e2e/sessions.test.ts: /usr/bin/chromium not found, so the browser tests are skipped.');

const SHOPPER = { email: 'mei.ito@e2e.example', password: 'camellia-2026', name: '伊藤 芽衣' };
const CLERK = { email: 'sessions.hq@e2e.example', password: 'correct-horse-battery', name: '松本 陸' };

/** Everything a script on the page can read: its cookies and both web storages. */
function readableByScripts(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify({
      cookie: document.cookie,
      local: Object.fromEntries(Object.entries(localStorage)),
      session: Object.fromEntries(Object.entries(sessionStorage)),
    }),
  );
}

/**
 * A page of someone else's (on `host`) that, once opened, posts to Musubi's logout in the background and
 * then with a form: what a malicious page she visits while signed in would try. 127.0.0.2 is another site
 * than 127.0.0.1, as another domain would be; 127.0.0.1 on another port is the same site (as another app
 * under the shop's domain would be), where SameSite cookies still go along and only the CSRF check stands.
 */
function attackerPage(target: string, host: string): Promise<{ url: string; server: Server }> {
  const logout = `${target}/api/customer-auth/logout`;
  const page = `<!doctype html><meta charset="utf-8"><title>お得なクーポン</title>
<form id="f" method="post" action="${logout}"></form><script src="/attack.js"></script>`;
  const script = `fetch(${JSON.stringify(logout)}, { method: 'POST', mode: 'no-cors', credentials: 'include' })
  .finally(() => document.getElementById('f').submit());`;
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': req.url === '/attack.js' ? 'text/javascript' : 'text/html; charset=utf-8' });
    res.end(req.url === '/attack.js' ? script : page);
  });
  return new Promise((done) =>
    server.listen(0, host, () => done({ url: `http://${host}:${(server.address() as AddressInfo).port}/`, server })),
  );
}

/** Open the attacker's page in her browser, and wait until its background post and its form have gone. */
async function visit(shop: Page, url: string) {
  const evil = await shop.context().newPage();
  const seen: Record<string, { status: number; cookie: string }> = {};
  evil.on('response', async (r) => {
    if (!r.url().endsWith('/api/customer-auth/logout')) return;
    seen[r.request().resourceType()] = { status: r.status(), cookie: (await r.request().allHeaders()).cookie ?? '' };
  });
  evil.on('requestfailed', (r) => {
    if (r.url().endsWith('/api/customer-auth/logout'))
      seen[r.resourceType()] = { status: 0, cookie: r.failure()?.errorText ?? '' };
  });
  await evil.goto(url);
  await evil.waitForURL('**/api/customer-auth/logout'); // the form went
  await expect.poll(() => Object.keys(seen).sort().join()).toBe('document,fetch');
  await evil.close();
  // The background post's answer is withheld from that page (Cross-Origin-Resource-Policy), not its effect:
  // whether she is still signed in afterwards tells.
  return { form: seen.document!.status, formCookie: seen.document!.cookie };
}

describe.skipIf(!hasChromium)('web sessions a stolen script cannot take', () => {
  let musubi: Musubi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuilt();
    musubi = await startMusubi();
    await musubi.api('POST', '/api/staff', { ...CLERK, role: 'hq', locationIds: [] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await musubi?.close();
  });

  it('her session is an HttpOnly cookie no script reads, and another site’s posts cannot log her out', async () => {
    const shop = await openPhone(browser);
    await shop.goto(`${musubi.baseUrl}/account/signup`);
    await shop.getByLabel('お名前', { exact: true }).fill(SHOPPER.name);
    await shop.getByLabel('メールアドレス').fill(SHOPPER.email);
    await shop.getByLabel('パスワード').fill(SHOPPER.password);
    await shop.getByRole('button', { name: '登録する' }).click();
    await shop.waitForURL('**/account/card');

    const [cookie] = (await shop.context().cookies(`${musubi.baseUrl}/api/`)).filter(
      (c) => c.name === 'musubi_customer',
    );
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/api' });
    const visible = await readableByScripts(shop);
    expect(visible).not.toContain(cookie!.value);
    expect(visible).not.toContain('musubi_customer');
    // …and the API answers her page with that cookie alone.
    const me = await shop.evaluate(() => fetch('/api/account').then((r) => r.status));
    expect(me).toBe(200);

    // She opens a malicious page of another site: its form post arrives without her cookie (SameSite=Lax).
    const otherSite = await attackerPage(musubi.baseUrl, '127.0.0.2');
    const sameSite = await attackerPage(musubi.baseUrl, '127.0.0.1');
    try {
      const cross = await visit(shop, otherSite.url);
      expect(cross.formCookie).not.toContain('musubi_customer');
      expect(cross.form).toBeGreaterThanOrEqual(400);
      // A page of the same site gets her cookie sent along, and is refused for want of the CSRF token.
      const sibling = await visit(shop, sameSite.url);
      expect(sibling.formCookie).toContain('musubi_customer');
      expect(sibling.form).toBe(403);
    } finally {
      otherSite.server.close();
      sameSite.server.close();
    }
    // Still signed in: nothing the other site sent ended her session.
    expect(await shop.evaluate(() => fetch('/api/account').then((r) => r.status))).toBe(200);
    await shop.goto(`${musubi.baseUrl}/account`);
    await shop.getByText(SHOPPER.name).first().waitFor();

    // Logging out on her own page ends the cookie too.
    await shop.getByRole('button', { name: 'ログアウト' }).click();
    await shop.waitForURL('**/shop');
    expect((await shop.context().cookies(`${musubi.baseUrl}/api/`)).some((c) => c.name === 'musubi_customer')).toBe(
      false,
    );
    await shop.context().close();
  });

  it('a clerk’s session is an HttpOnly cookie that ends with the browser', async () => {
    const desk = await openDesk(browser);
    await desk.goto(`${musubi.baseUrl}/hq`);
    await desk.waitForURL('**/login**');
    await staffLogin(desk, CLERK);
    await desk.waitForURL((url) => url.pathname.startsWith('/hq') && !url.pathname.endsWith('/login'));
    expect(await desk.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(200);
    const [cookie] = (await desk.context().cookies(`${musubi.baseUrl}/api/`)).filter((c) => c.name === 'musubi_staff');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', expires: -1 });
    expect(await readableByScripts(desk)).not.toContain(cookie!.value);
    await desk.context().close();
  });
});
