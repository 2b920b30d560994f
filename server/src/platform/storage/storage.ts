import type { MediaConfig } from '../config.ts';
import { DomainError } from '../errors.ts';
import './images.ts';
import { diskStore } from './disk.ts';
import { s3Store } from './s3.ts';

/**
 * Where media files live (product images today; review photos tomorrow): a flat key space of immutable
 * objects. Keys are slash-separated words (`images/p-3f9c…-800.webp`); a module owns its prefix. Objects
 * are never changed once written — a new content gets a new key — so any cache may keep them forever.
 */
export interface ObjectStore {
  readonly kind: 'disk' | 's3';
  /** Write an object (replacing one with the same key: the same content, since keys are content-hashed). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object, or undefined when there is none. */
  get(key: string): Promise<{ body: Buffer; contentType: string } | undefined>;
  /** Remove an object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
}

/** Keys are words joined by slashes: nothing that could climb out of a directory or confuse a URL. */
const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.includes('..') || key.length > 512) throw new Error(`object key not allowed: ${key}`);
}

/** The store MEDIA_STORAGE names (config.ts): a directory, or an S3-compatible bucket. */
export function openObjectStore(config: MediaConfig, opts: { timeoutMs?: number } = {}): ObjectStore {
  return config.kind === 's3' ? s3Store({ ...config, timeoutMs: opts.timeoutMs ?? 15_000 }) : diskStore(config.dir);
}

/**
 * Write several objects, all or none: when one fails, those already written are removed again before the
 * refusal (503 media.storage_unavailable, the cause attached) is thrown, so a failed upload leaves no files behind.
 */
export async function putAll(
  store: ObjectStore,
  objects: ReadonlyArray<{ key: string; body: Buffer; contentType: string }>,
): Promise<void> {
  const written: string[] = [];
  try {
    for (const o of objects) {
      await store.put(o.key, o.body, o.contentType);
      written.push(o.key);
    }
  } catch (err) {
    await Promise.allSettled(written.map((k) => store.delete(k)));
    throw Object.assign(new DomainError('media.storage_unavailable'), { cause: err });
  }
}
