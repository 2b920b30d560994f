import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server on 127.0.0.1 for tests: path-style PUT, GET and DELETE of objects in one
 * bucket, with AWS Signature Version 4 checked as S3 checks it (the canonical request rebuilt from what
 * arrived, the signing key derived from the secret; a wrong key or a changed body is 403
 * SignatureDoesNotMatch, no signature 403 AccessDenied) — so the store is proved against the protocol,
 * with nothing leaving loopback.
 */
export interface S3Double {
  url: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Objects by key (without the bucket), with their content type. */
  objects: Map<string, { body: Buffer; contentType: string }>;
  /** Every request as `METHOD key status`. */
  log: string[];
  /** After `after` more PUTs succeed, answer every PUT with 500 (a bucket failing mid-upload); null: heal. */
  failPuts(after: number | null): void;
  /** Answer every GET with 503 SlowDown (a bucket that is down) while true. */
  failGets(failing: boolean): void;
  /** The server's environment for MEDIA_STORAGE=s3 against this double. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function xmlError(res: ServerResponse, status: number, code: string) {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`);
}

/** Check the request's SigV4 Authorization header; the reason it fails, or undefined. */
function signatureProblem(
  req: IncomingMessage,
  body: Buffer,
  d: Pick<S3Double, 'accessKeyId' | 'secretAccessKey' | 'region'>,
) {
  const auth = req.headers.authorization ?? '';
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return 'AccessDenied';
  const [, keyId, day, region, signedHeaders, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (keyId !== d.accessKeyId || region !== d.region) return 'InvalidAccessKeyId';
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!amzDate.startsWith(day) || !payloadHash) return 'AccessDenied';
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return 'XAmzContentSHA256Mismatch';
  const url = new URL(req.url ?? '/', 'http://x');
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) return 'AccessDenied';
  const canonicalHeaders = names
    .map(
      (h) =>
        `${h}:${String(req.headers[h] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const query = [...url.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${d.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? undefined : 'SignatureDoesNotMatch';
}

export async function startS3Double(): Promise<S3Double> {
  const d = {
    bucket: 'musubi-media',
    region: 'ap-northeast-1',
    accessKeyId: 'TESTKEY0123456789',
    secretAccessKey: 'test-secret-access-key-0123456789',
    objects: new Map<string, { body: Buffer; contentType: string }>(),
    log: [] as string[],
  };
  let putsBeforeFailing: number | null = null;
  let getsFailing = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const key = path.startsWith(`/${d.bucket}/`) ? path.slice(d.bucket.length + 2) : undefined;
      const answer = (status: number, code?: string) => {
        d.log.push(`${req.method} ${key ?? path} ${status}`);
        if (code) return xmlError(res, status, code);
        res.writeHead(status).end();
      };
      if (!key) return answer(404, 'NoSuchBucket');
      const problem = signatureProblem(req, body, d);
      if (problem) return answer(403, problem);
      if (req.method === 'PUT') {
        if (putsBeforeFailing !== null && putsBeforeFailing-- <= 0) return answer(500, 'InternalError');
        d.objects.set(key, { body, contentType: String(req.headers['content-type'] ?? 'application/octet-stream') });
        res.setHeader('etag', `"${createHash('md5').update(body).digest('hex')}"`);
        return answer(200);
      }
      if (req.method === 'GET') {
        if (getsFailing) return answer(503, 'SlowDown');
        const o = d.objects.get(key);
        if (!o) return answer(404, 'NoSuchKey');
        d.log.push(`GET ${key} 200`);
        res.writeHead(200, { 'content-type': o.contentType, 'content-length': o.body.length });
        return res.end(o.body);
      }
      if (req.method === 'DELETE') {
        d.objects.delete(key);
        return answer(204);
      }
      return answer(405, 'MethodNotAllowed');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...d,
    url,
    failPuts: (after) => {
      putsBeforeFailing = after;
    },
    failGets: (failing) => {
      getsFailing = failing;
    },
    env: () => ({
      MEDIA_STORAGE: 's3',
      S3_ENDPOINT: url,
      S3_BUCKET: d.bucket,
      S3_REGION: d.region,
      S3_ACCESS_KEY_ID: d.accessKeyId,
      S3_SECRET_ACCESS_KEY: d.secretAccessKey,
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
