import { expect, it } from 'vitest';
import { deliverOutbox } from '../../platform/dispatcher.ts';
import { clickPath, lineText, linkKeys, smtpChannel, withConsentCheck } from '../notifications/service.ts';
import { addIdentifiers } from '../customers/service.ts';
import type { Channel, ClaimedMessage } from '../../platform/outbox.ts';
import { describeEachDatabase } from '../../test/harness.ts';
import { fakeSmtp } from '../../test/partners.ts';
import { sendCampaign } from './campaigns.ts';
import { campaign, noon, progressOf, SHOP, world } from './campaign-world.ts';

describeEachDatabase('campaign links: one-click unsubscribe and counted clicks', (ctx) => {
  it('an e-mail carries one-click unsubscribe (RFC 8058); posting it withdraws her e-mail consent, a forged link is refused', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app, 2);
    for (const m of w.members) {
      const res = await app.api('PUT', '/api/account/consents', {
        token: m.token,
        body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
      });
      expect(res.statusCode).toBeLessThan(300);
    }
    const id = await campaign(app, w.segmentId);
    await sendCampaign(db, w.principal, id, { now: noon(), publicUrl: SHOP });
    const smtp = await fakeSmtp();
    const channel = smtpChannel({ url: smtp.url, from: 'Musubi <no-reply@musubi.test>' });
    try {
      const keys = linkKeys(app.server.secret);
      await deliverOutbox(db, { email: withConsentCheck(db, channel, 'email', { keys, publicUrl: SHOP }) });
      const mail = smtp.messages.find((m) => m.to[0]?.includes(w.members[0]!.email));
      expect(mail).toBeDefined();
      const headers = mail!.data.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
      expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
      const unsub = /^List-Unsubscribe: <(https:\/\/shop\.example\.jp\/api\/unsubscribe\?t=[^>]+)>$/m.exec(headers);
      expect(unsub).not.toBeNull();
      const path = unsub![1]!.slice(SHOP.length);

      // The link in the text goes through the click-through, for e-mail.
      const text = mail!.data
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      const tracked = /https:\/\/shop\.example\.jp(\/api\/r\?t=[A-Za-z0-9_.-]+)/.exec(text);
      expect(tracked).not.toBeNull();
      const click = await app.api('GET', tracked![1]!, { token: null });
      expect(click.statusCode).toBe(302);
      expect((await progressOf(app, id)).channels.find((c) => c.channel === 'email')).toMatchObject({
        sent: 2,
        clicked: 1,
      });

      // Opening the link only asks; a mail provider's one-click POST (no session) withdraws.
      const page = await app.api('GET', path, { token: null });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('配信を停止する');
      const post = await app.api('POST', path, {
        token: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(post.statusCode).toBe(200);
      const consents = await app.api('GET', '/api/account/consents', { token: w.members[0]!.token });
      expect(consents.json().items).toContainEqual(
        expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: false }),
      );
      expect(consents.json().history[0]).toMatchObject({
        channel: 'email',
        granted: false,
        source: 'unsubscribe_link',
      });
      const other = await app.api('GET', '/api/account/consents', { token: w.members[1]!.token });
      expect(other.json().items).toContainEqual(
        expect.objectContaining({ channel: 'email', purpose: 'marketing', granted: true }),
      );

      // A token changed by one character, or made up, is refused.
      const t = new URL(unsub![1]!).searchParams.get('t')!;
      // One character of the signature changed (not its last: that may carry padding bits only).
      const at = t.length - 5;
      const forged = `${t.slice(0, at)}${t[at] === 'A' ? 'B' : 'A'}${t.slice(at + 1)}`;
      for (const bad of [forged, 'nope', `${Buffer.from('["x","email"]').toString('base64url')}.AAAA`]) {
        const res = await app.api('POST', `/api/unsubscribe?t=${encodeURIComponent(bad)}`, { token: null });
        expect(res.statusCode, bad).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
      }
    } finally {
      channel.close();
      await smtp.close();
    }
  });

  it('a LINE message links through the click-through, counted for LINE', async () => {
    const app = ctx();
    const db = app.server.database.db;
    const w = await world(app, 1);
    const aiko = w.members[0]!;
    await addIdentifiers(db, aiko.id, [['line', `U${aiko.id.slice(-16).padEnd(32, '0')}`]]);
    const res = await app.api('PUT', '/api/account/consents', {
      token: aiko.token,
      body: { items: [{ channel: 'line', purpose: 'marketing', granted: true }] },
    });
    expect(res.statusCode).toBeLessThan(300);
    const id = await campaign(app, w.segmentId);
    await sendCampaign(db, w.principal, id, { now: noon(), publicUrl: SHOP });
    const sent: ClaimedMessage[] = [];
    const capture: Channel = { send: async (m) => void sent.push(m), lane: 'channel', concurrency: 4 };
    const keys = linkKeys(app.server.secret);
    await deliverOutbox(db, { line: withConsentCheck(db, capture, 'line', { keys, publicUrl: SHOP }) });
    const mine = sent.find((m) => m.payload.key === `campaign:${id}`);
    const text = lineText('campaign', mine!.payload)!;
    const url = /https:\/\/shop\.example\.jp(\/api\/r\?t=\S+)/.exec(text);
    expect(url).not.toBeNull();
    expect((await app.api('GET', url![1]!, { token: null })).headers.location).toBe('/shop/coupons');
    expect((await progressOf(app, id)).channels.find((c) => c.channel === 'line')).toMatchObject({
      sent: 1,
      clicked: 1,
    });
  });

  it('the click-through is never an open redirect: a forged token or a link off this site is refused', async () => {
    const app = ctx();
    const keys = linkKeys(app.server.secret);
    const other = linkKeys('another-secret-0123456789');
    const signed = (k: typeof keys, link: string) =>
      clickPath(k, { key: 'campaign:cmp_x', customerId: 'cus_x', channel: 'line', link });
    for (const path of [
      signed(keys, '//evil.example/x'),
      signed(keys, 'https://evil.example/'),
      signed(keys, '/\\evil.example'),
      signed(other, '/shop'),
      '/api/r?t=garbage',
    ]) {
      const res = await app.api('GET', path, { token: null });
      expect(res.statusCode, path).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    const ok = await app.api('GET', signed(keys, '/shop?from=line'), { token: null });
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe('/shop?from=line');
  });
});
