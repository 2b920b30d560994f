import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower-case

/**
 * A prefixed, time-sortable id such as `var_01jd3k…`: 10 characters of milliseconds then 16 random
 * characters, so ids sort by creation time and read well in logs and URLs.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (const b of randomChunk()) rand += ALPHABET[b % 32];
  return `${prefix}_${time}${rand}`;
}

// Random bytes are drawn 4 KiB at a time: one call to the system's generator per 256 ids, not per id.
const pool = Buffer.alloc(4096);
let used = pool.length;
function randomChunk(): Buffer {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

/** A deterministic id for demo data: same seed, same id, still prefixed. */
export function seededId(prefix: string, n: number): string {
  return `${prefix}_demo${n.toString(36).padStart(6, '0')}`;
}
