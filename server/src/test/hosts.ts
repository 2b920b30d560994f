import { isIP } from 'node:net';
import type { ResolveHost } from '../platform/egress.ts';

/**
 * The tests' DNS: webhook hosts resolve from this table and nothing else, so no query leaves the machine.
 * `example.jp` and its subdomains stand for a partner on the internet (a documentation address no test
 * connects to); a test adds names of its own (`testHosts.set('metadata.test', ['169.254.169.254'])`).
 */
export const testHosts = new Map<string, string[]>([['localhost', ['127.0.0.1']]]);
export const testResolve: ResolveHost = async (hostname) => {
  const name = hostname.toLowerCase();
  const addresses = testHosts.get(name) ?? (/(^|\.)example\.jp$/.test(name) ? ['203.0.113.80'] : undefined);
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
};
