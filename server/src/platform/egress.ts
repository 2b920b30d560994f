import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where the server may send a request a customer or an integrator chose the address of (a webhook URL):
 * never into its own network. An address is refused when it is loopback, link-local, private (RFC 1918,
 * ULA fc00::/7), CGNAT (100.64.0.0/10), a cloud metadata service, unspecified, multicast or reserved —
 * unless the operator allows its CIDR (WEBHOOK_ALLOW_CIDRS). Names are resolved here, every address is
 * checked, and the connection is made to a checked address only (`postPinned`), so a name that changes
 * between the check and the connect (DNS rebinding) cannot slip through.
 */

/** Why an address is refused: the words of the problem and of the dead letter. */
export type EgressReason =
  'loopback' | 'private' | 'link_local' | 'metadata' | 'cgnat' | 'unspecified' | 'multicast' | 'reserved';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A name to its addresses (all of them): `dns.lookup` by default; tests inject their own, so no query leaves. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolve: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** First match wins: the metadata addresses before the link-local and ULA ranges that hold them. */
const REFUSED: [EgressReason, string][] = [
  ['metadata', '169.254.169.254/32'],
  ['metadata', 'fd00:ec2::254/128'],
  ['unspecified', '0.0.0.0/8'],
  ['loopback', '127.0.0.0/8'],
  ['private', '10.0.0.0/8'],
  ['private', '172.16.0.0/12'],
  ['private', '192.168.0.0/16'],
  ['cgnat', '100.64.0.0/10'],
  ['link_local', '169.254.0.0/16'],
  ['reserved', '192.0.0.0/24'],
  ['reserved', '198.18.0.0/15'],
  ['multicast', '224.0.0.0/4'],
  ['reserved', '240.0.0.0/4'],
  ['unspecified', '::/128'],
  ['loopback', '::1/128'],
  ['private', 'fc00::/7'],
  ['link_local', 'fe80::/10'],
  ['multicast', 'ff00::/8'],
];

function blockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (!parsed) throw new Error(`not a CIDR: ${cidr}`);
    list.addSubnet(parsed.address, parsed.prefix, parsed.family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** `10.0.0.0/8`, `::1/128`, or a bare address (a /32 or /128); undefined when it is none of these. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 4 | 6 } | undefined {
  const [address = '', bits, ...rest] = cidr.trim().split('/');
  const family = isIP(address);
  if (!family || rest.length) return undefined;
  const max = family === 6 ? 128 : 32;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return undefined;
  return { address, prefix, family: family === 6 ? 6 : 4 };
}

const refusedLists = REFUSED.map(([reason, cidr]) => ({ reason, list: blockList([cidr]) }));

/** The 16 bytes of an IPv6 address (isIP already said it is one). */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    text = text.slice(0, -v4[1]!.length) + '0:0';
  }
  const [head = '', rest] = text.split('::');
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const words = [...h, ...Array<number>(8 - h.length - r.length).fill(0), ...r];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d) is judged as that IPv4 address. */
function embeddedIpv4(address: string): string | undefined {
  const b = ipv6Bytes(address);
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  const nat64 =
    b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  return mapped || nat64 ? b.slice(12).join('.') : undefined;
}

export class EgressRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: EgressReason,
  ) {
    super(`refused: ${host} is ${address}, a ${reason.replace('_', '-')} address`);
    this.name = 'EgressRefused';
  }
}

export class EgressUnresolvable extends Error {
  constructor(
    readonly host: string,
    cause: unknown,
  ) {
    super(`cannot resolve ${host}: ${(cause as { code?: string })?.code ?? String(cause)}`);
    this.name = 'EgressUnresolvable';
  }
}

export interface EgressGuardOptions {
  /** CIDRs the operator allows although they are refused by default (e.g. 127.0.0.0/8 for a receiver on the same host). */
  allow?: string[] | undefined;
  resolve?: ResolveHost | undefined;
}

export class EgressGuard {
  private readonly allowed: BlockList;
  private readonly resolveHost: ResolveHost;

  constructor(opts: EgressGuardOptions = {}) {
    this.allowed = blockList(opts.allow ?? []);
    this.resolveHost = opts.resolve ?? systemResolve;
  }

  /** Why this address is refused, or null when the server may connect to it. */
  refusal(address: string): EgressReason | null {
    const family = isIP(address);
    if (!family) return 'reserved';
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (this.allowed.check(address, type)) return null;
    const v4 = family === 6 ? embeddedIpv4(address) : undefined;
    if (v4) return this.refusal(v4);
    return refusedLists.find((r) => r.list.check(address, type))?.reason ?? null;
  }

  /**
   * Every address of the URL's host, each checked: one refused address refuses the URL (a name that
   * answers both a public and a private address is not trusted with either). Throws EgressRefused or
   * EgressUnresolvable.
   */
  async resolve(url: URL): Promise<ResolvedAddress[]> {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    if (literal) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
    else {
      try {
        addresses = await this.resolveHost(host);
      } catch (err) {
        throw new EgressUnresolvable(host, err);
      }
      if (!addresses.length) throw new EgressUnresolvable(host, 'no address');
    }
    for (const a of addresses) {
      const reason = this.refusal(a.address);
      if (reason) throw new EgressRefused(host, a.address, reason);
    }
    return addresses;
  }
}

/** A lookup that answers only the addresses already checked, whatever DNS says now. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const cb = callback as (err: Error | null, address: unknown, family?: number) => void;
    if ((options as { all?: boolean }).all) cb(null, addresses);
    else cb(null, addresses[0]!.address, addresses[0]!.family);
  };
}

/**
 * POST to a URL whose host was checked by `EgressGuard.resolve`, connecting only to those addresses (TLS
 * still verifies the certificate for the URL's name). Redirects are not followed: a 3xx is an answer like
 * any other. The response body is read and dropped (at most the first 1 KB kept, for the record).
 */
export function postPinned(
  url: URL,
  addresses: ResolvedAddress[],
  opts: { headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
        lookup: pinnedLookup(addresses),
        signal: opts.signal,
        agent: false,
      },
      (res) => {
        let kept = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (kept.length < 1024) kept += chunk.slice(0, 1024 - kept.length);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: kept }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
