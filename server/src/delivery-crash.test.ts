import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTempDatabase } from './test/harness.ts';
import { fakeSmtp } from './test/partners.ts';
import { startServerProcess, type RunningServer } from './test/processes.ts';

const serverUrl = process.env.TEST_DATABASE_URL;
const TOKEN = 'delivery-crash-bootstrap-token-01';

async function until(what: string, ok: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

/**
 * A copy killed (kill -9) while it waits on a mail server that never answers: the message is neither lost
 * nor sent twice. Its claim lapses, another copy sends it, once.
 */
async function killedMidSend(database: { env: Record<string, string>; second: 'alongside' | 'after' }) {
  const smtp = await fakeSmtp({ silentConnections: 1 }); // the first connection hangs, later ones work
  const env = { ...database.env, MUSUBI_BOOTSTRAP_TOKEN: TOKEN, SMTP_URL: smtp.url, DELIVERY_TIMEOUT_MS: '2000' };
  let a: RunningServer | undefined;
  let b: RunningServer | undefined;
  try {
    a = await startServerProcess(env);
    const email = `crash.${Date.now()}@example.jp`;
    expect(
      (await post(a.url, '/api/customer-auth/register', { email, password: 'sakura-password-2026', name: '山田 花子' }))
        .status,
    ).toBe(201);
    expect((await post(a.url, '/api/customer-auth/password-reset', { email })).status).toBe(202);
    await until('copy A to connect to the mail server', () => smtp.connections >= 1, 15_000);
    if (database.second === 'alongside') b = await startServerProcess(env); // B runs while A holds the claim
    a.child.kill('SIGKILL');
    await new Promise<void>((r) =>
      a!.child.exitCode !== null || a!.child.signalCode !== null ? r() : a!.child.once('exit', () => r()),
    );
    if (database.second === 'after') b = await startServerProcess(env); // the same DATA_DIR, its lock left by a dead process
    expect(smtp.messages).toHaveLength(0);
    // The lease (2 × (timeout + 1 s) + 5 s) lapses; then B claims the message and sends it.
    await until('copy B to send the message', () => smtp.messages.length >= 1, 40_000);
    await new Promise((r) => setTimeout(r, 2500)); // and nothing more arrives
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to[0]).toContain(email);
    expect(smtp.messages[0]!.data).toMatch(/X-Musubi-Outbox: \d+/);
  } finally {
    if (a && a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await b?.stop();
    await smtp.close();
  }
}

describe('delivery: a copy killed mid-send', () => {
  it('embedded database: the restarted copy sends the message once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-crash-'));
    try {
      await killedMidSend({ env: { DATA_DIR: dir }, second: 'after' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it.skipIf(!serverUrl)(
    'Postgres server: the other copy sends it once, after the dead copy’s claim lapses',
    async () => {
      const db = await createTempDatabase(serverUrl!);
      try {
        await killedMidSend({ env: { DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' }, second: 'alongside' });
      } finally {
        await db.drop();
      }
    },
    120_000,
  );
});
