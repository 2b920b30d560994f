import { execFile } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './processes.ts';

const run = promisify(execFile);

/**
 * A throwaway primary and its streaming replica, made on this machine for the read-replica test: a new
 * cluster (initdb) on a free loopback port and a `pg_basebackup -R -X stream` copy of it on another. The
 * shared server on 5432 is never touched (its pg_hba and settings stay as they are, its other tests run
 * on undisturbed). Running as root, the servers run as the `postgres` user (runuser).
 */
export interface ReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
  /** The server log files, for a failing test's message. */
  logs: { primary: string; replica: string };
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  /** Hold WAL replay on the replica (pg_wal_replay_pause): it still receives, but its data stands still. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Stop both servers and remove their directories. */
  destroy(): Promise<void>;
}

const candidates = [process.env.PG_BIN, '/usr/lib/postgresql/15/bin'].filter((d): d is string => !!d);
const tools = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];

/** The PostgreSQL binaries' directory (PG_BIN, else Debian's 15), or why there is none. */
export function postgresBinaries(): { dir: string } | { missing: string } {
  const dir = candidates.find((d) => tools.every((t) => existsSync(join(d, t))));
  if (dir && userInfo().uid === 0 && !existsSync('/usr/sbin/runuser'))
    return { missing: 'running as root without runuser to start postgres as its own user' };
  if (dir) return { dir };
  return { missing: `no PostgreSQL binaries (${tools.join(', ')}) in ${candidates.join(' or ')}` };
}

export async function startReplicaPair(bin: string): Promise<ReplicaPair> {
  const root = mkdtempSync('/tmp/musubi-replica-');
  const asRoot = userInfo().uid === 0;
  const pgUser = asRoot ? (await run('id', ['-u', 'postgres'])).stdout.trim() : undefined;
  const pgGroup = asRoot ? (await run('id', ['-g', 'postgres'])).stdout.trim() : undefined;
  if (asRoot) chownSync(root, Number(pgUser), Number(pgGroup));
  /** Run a PostgreSQL tool as the user who may run the server. */
  const tool = async (name: string, args: string[]) => {
    const [cmd, argv] = asRoot
      ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', join(bin, name), ...args]]
      : [join(bin, name), args];
    try {
      return await run(cmd, argv, { cwd: root, timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${name} ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  };
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const socketDir = join(root, 'sockets');
  mkdirSync(socketDir);
  if (asRoot) chownSync(socketDir, Number(pgUser), Number(pgGroup));
  const logs = { primary: join(root, 'primary.log'), replica: join(root, 'replica.log') };
  // Both servers of the pair: loopback only, sockets in the pair's own directory, no durability (a test).
  const settings = (port: number) =>
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${socketDir}'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      'max_connections = 60',
      'shared_buffers = 32MB',
      'wal_level = replica',
      'max_wal_senders = 4',
      'hot_standby = on',
      // The replica tells the primary which rows its reads still need: no query canceled by a conflict.
      'hot_standby_feedback = on',
      'wal_receiver_status_interval = 1s',
    ].join('\n') + '\n';
  const pgCtl = (dir: string, log: string, action: 'start' | 'stop', mode = 'fast') =>
    tool('pg_ctl', ['-D', dir, '-l', log, '-w', '-t', '30', ...(action === 'stop' ? ['-m', mode] : []), action]);

  let started: string[] = [];
  const destroy = async () => {
    for (const dir of started.reverse()) await pgCtl(dir, join(root, 'stop.log'), 'stop', 'immediate').catch(() => {});
    started = [];
    rmSync(root, { recursive: true, force: true });
  };
  try {
    // initdb's default pg_hba trusts replication from 127.0.0.1 with --auth=trust.
    await tool('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    appendFileSync(join(primaryDir, 'postgresql.conf'), settings(primaryPort));
    await pgCtl(primaryDir, logs.primary, 'start');
    started.push(primaryDir);
    await tool('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
    ]);
    // The copy carries the primary's settings: the last `port` line wins.
    appendFileSync(join(replicaDir, 'postgresql.conf'), settings(replicaPort));
    await pgCtl(replicaDir, logs.replica, 'start');
    started.push(replicaDir);
  } catch (err) {
    await destroy();
    throw err;
  }
  const replicaUrl = `postgres://postgres@127.0.0.1:${replicaPort}/postgres`;
  const onReplica = async (statement: string) => {
    const client = new pg.Client({ connectionString: replicaUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl,
    logs,
    stopReplica: async () => {
      await pgCtl(replicaDir, logs.replica, 'stop');
      started = started.filter((d) => d !== replicaDir);
    },
    startReplica: async () => {
      await pgCtl(replicaDir, logs.replica, 'start');
      started.push(replicaDir);
    },
    pauseReplay: () => onReplica('SELECT pg_wal_replay_pause()'),
    resumeReplay: () => onReplica('SELECT pg_wal_replay_resume()'),
    destroy,
  };
}
