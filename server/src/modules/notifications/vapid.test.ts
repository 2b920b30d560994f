import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../platform/db/connection.ts';
import { ensureVapidKeys } from './vapid.ts';

describe('notifications: VAPID keys', () => {
  it('are generated once into DATA_DIR for the embedded database, readable by the owner only, and kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-vapid-'));
    // The embedded branch never touches the database: the keys live beside it, like the secret.
    const embedded = { kind: 'pglite' } as Database;
    try {
      const first = await ensureVapidKeys(embedded, { subject: 'mailto:shop@example.jp' }, dir);
      expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
      expect(statSync(join(dir, 'vapid.json')).mode & 0o777).toBe(0o600);
      const again = await ensureVapidKeys(embedded, { subject: 'mailto:shop@example.jp' }, dir);
      expect(again).toEqual(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('come from VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY when both are set', async () => {
    const keys = await ensureVapidKeys(
      { kind: 'pglite' } as Database,
      { publicKey: 'B'.repeat(87), privateKey: 'p'.repeat(43), subject: 'https://shop.example.jp' },
      '/nonexistent',
    );
    expect(keys).toEqual({ publicKey: 'B'.repeat(87), privateKey: 'p'.repeat(43), subject: 'https://shop.example.jp' });
  });
});
