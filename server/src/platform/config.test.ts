import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: 'memory', ...env });

describe('configuration', () => {
  it('keeps images under DATA_DIR/media by default, and in a bucket only with its endpoint, name and keys', () => {
    expect(loadConfig({ DATA_DIR: '/srv/musubi' }).media).toEqual({ kind: 'disk', dir: '/srv/musubi/media' });
    expect(load({ MEDIA_DIR: '/mnt/shared/media' }).media).toEqual({ kind: 'disk', dir: '/mnt/shared/media' });
    expect(() => load({ MEDIA_STORAGE: 's3', S3_BUCKET: 'shop-media' })).toThrow(
      /MEDIA_STORAGE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY/,
    );
    const s3 = load({
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT: 'https://s3.ap-northeast-1.amazonaws.com/',
      S3_BUCKET: 'shop-media',
      S3_REGION: 'ap-northeast-1',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PREFIX: '/musubi/',
    }).media;
    expect(s3).toMatchObject({ kind: 's3', endpoint: 'https://s3.ap-northeast-1.amazonaws.com', prefix: 'musubi' });
    expect(load({}).images).toEqual({ maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 });
  });

  it('takes Stripe only with its three keys, naming what is missing; the demo keeps the test acquirer', () => {
    expect(() => load({ CARD_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(
      /CARD_PROVIDER=stripe needs STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET/,
    );
    expect(() => load({ STRIPE_SECRET_KEY: 'pk_test_x' })).toThrow(/STRIPE_SECRET_KEY/);
    const stripe = load({
      CARD_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
    });
    expect(stripe.stripe).toEqual({
      secretKey: 'sk_test_x',
      publishableKey: 'pk_test_x',
      webhookSecret: 'whsec_x',
      apiBase: 'https://api.stripe.com',
      jsUrl: 'https://js.stripe.com/v3/',
      timeoutMs: 10_000,
      confirmSeconds: 600,
    });
    expect(load({ MUSUBI_DEMO: '1' })).toMatchObject({ cardProvider: 'test', stripe: undefined });
    expect(load({ MUSUBI_DEMO: '0' })).toMatchObject({ cardProvider: 'none', stripe: undefined });
  });

  it('trusts no proxy unless told: request.ip is the socket peer', () => {
    expect(load({}).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(load({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('takes TRUST_PROXY as true, a hop count, or a list of addresses, CIDRs and range names', () => {
    expect(load({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(
      load({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.10,loopback,fd00::/8,172.16.0.0/255.240.0.0' }).trustProxy,
    ).toEqual(['10.0.0.0/8', '192.168.1.10', 'loopback', 'fd00::/8', '172.16.0.0/255.240.0.0']);
  });

  it('refuses a TRUST_PROXY it cannot read instead of trusting nobody (or everybody) by accident', () => {
    expect(() => load({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: not an address, CIDR or hop count: nginx/);
    expect(() => load({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/10\.0\.0\.0\/33/);
    expect(() => load({ TRUST_PROXY: '10.0.0.1,yes' })).toThrow(/yes/);
  });

  it('gives requests in flight 25 s to finish on shutdown unless SHUTDOWN_GRACE_MS says otherwise', () => {
    expect(load({}).shutdownGraceMs).toBe(25_000);
    expect(load({ SHUTDOWN_GRACE_MS: '5000' }).shutdownGraceMs).toBe(5000);
    expect(() => load({ SHUTDOWN_GRACE_MS: '-1' })).toThrow(/SHUTDOWN_GRACE_MS/);
  });

  it('takes WEBHOOK_ALLOW_CIDRS as comma-separated CIDRs (none by default) and refuses anything else', () => {
    expect(load({}).webhookAllowCidrs).toEqual([]);
    expect(load({ WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8, ::1/128,10.20.0.0/16' }).webhookAllowCidrs).toEqual([
      '127.0.0.0/8',
      '::1/128',
      '10.20.0.0/16',
    ]);
    expect(() => load({ WEBHOOK_ALLOW_CIDRS: '10.0.0.0/33' })).toThrow(/WEBHOOK_ALLOW_CIDRS/);
    expect(() => load({ WEBHOOK_ALLOW_CIDRS: 'intranet' })).toThrow(/WEBHOOK_ALLOW_CIDRS/);
  });
});
