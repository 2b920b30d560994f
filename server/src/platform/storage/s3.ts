import { AwsClient } from 'aws4fetch';
import { assertKey, type ObjectStore } from './storage.ts';

export interface S3Options {
  /** The service's origin, e.g. https://s3.ap-northeast-1.amazonaws.com, https://<account>.r2.cloudflarestorage.com, http://minio:9000. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every key (`musubi/`), so one bucket can hold several shops' media. */
  prefix: string;
  timeoutMs: number;
}

/**
 * Objects in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Wasabi…), requests signed with
 * Signature Version 4 by aws4fetch. Path-style addresses (`endpoint/bucket/key`) work with every one of them.
 */
export function s3Store(o: S3Options): ObjectStore {
  const client = new AwsClient({
    accessKeyId: o.accessKeyId,
    secretAccessKey: o.secretAccessKey,
    region: o.region,
    service: 's3',
    retries: 2,
  });
  const urlOf = (key: string) => {
    assertKey(key);
    const full = o.prefix ? `${o.prefix}/${key}` : key;
    return `${o.endpoint}/${o.bucket}/${full.split('/').map(encodeURIComponent).join('/')}`;
  };
  const send = async (method: string, key: string, init: { body?: Buffer; headers?: Record<string, string> } = {}) => {
    const res = await client.fetch(urlOf(key), {
      method,
      headers: init.headers,
      body: init.body ? new Uint8Array(init.body) : undefined,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    return res;
  };
  const fail = async (what: string, key: string, res: Response): Promise<never> => {
    const text = (await res.text().catch(() => '')).slice(0, 300);
    throw new Error(`S3 ${what} ${key}: ${res.status} ${text}`);
  };
  return {
    kind: 's3',
    async put(key, body, contentType) {
      const res = await send('PUT', key, {
        body,
        headers: { 'content-type': contentType, 'content-length': String(body.length) },
      });
      if (!res.ok) await fail('PUT', key, res);
      await res.arrayBuffer();
    },
    async get(key) {
      const res = await send('GET', key);
      if (res.status === 404) {
        await res.arrayBuffer();
        return undefined;
      }
      if (!res.ok) return fail('GET', key, res);
      return {
        body: Buffer.from(await res.arrayBuffer()),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async delete(key) {
      const res = await send('DELETE', key);
      if (!res.ok && res.status !== 404) await fail('DELETE', key, res);
      await res.arrayBuffer();
    },
  };
}
