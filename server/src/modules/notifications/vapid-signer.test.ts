import { describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { verifyVapid } from '../../test/partners.ts';
import { vapidSigner } from './push.ts';

/** One ES256 signature per push service every few hours, not one per message — and each one verifies. */
describe('VAPID header kept per push service', () => {
  it('signs once per origin, reuses it for six hours, then signs a fresh one valid for twelve', () => {
    const keys = webpush.generateVAPIDKeys();
    const vapid = { ...keys, subject: 'mailto:ops@musubi.example' };
    let clock = Date.parse('2026-12-05T00:00:00Z');
    const sign = vapidSigner(vapid, () => clock);
    const fcm = sign('https://fcm.googleapis.com');
    expect(sign('https://fcm.googleapis.com')).toBe(fcm);
    const mozilla = sign('https://updates.push.services.mozilla.com');
    expect(mozilla).not.toBe(fcm);
    const claims = verifyVapid(fcm, keys.publicKey);
    expect(claims).toMatchObject({ aud: 'https://fcm.googleapis.com', sub: 'mailto:ops@musubi.example' });
    expect(claims.exp).toBe(clock / 1000 + 12 * 3600);
    expect(verifyVapid(mozilla, keys.publicKey).aud).toBe('https://updates.push.services.mozilla.com');

    clock += 6 * 3600_000 - 1;
    expect(sign('https://fcm.googleapis.com')).toBe(fcm);
    clock += 1;
    const fresh = sign('https://fcm.googleapis.com');
    expect(fresh).not.toBe(fcm);
    expect(verifyVapid(fresh, keys.publicKey).exp).toBe(clock / 1000 + 12 * 3600);
  });
});
