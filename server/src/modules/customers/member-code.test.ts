import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/errors.ts';
import { issueMemberCode, memberCodeKey, verifyMemberCode, WINDOW_SECONDS } from './member-code.ts';

const key = memberCodeKey('test-secret-0123456789abcdef');
const customerId = 'cus_01jd3k5x7m9q2r4t6v8w0y1z3a';
const T = Date.UTC(2026, 3, 1, 12, 0, 0);

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof DomainError ? err.code : String(err);
  }
  return undefined;
}

/** The same code with one character of `part` (0 = version … 4 = mac) changed. */
function alter(code: string, part: number): string {
  const parts = code.split('.');
  const p = parts[part]!;
  parts[part] = (p[0] === 'A' ? 'B' : 'A') + p.slice(1);
  return parts.join('.');
}

describe('member code', () => {
  it('is short enough for a small QR code and names the customer, the window and a mac', () => {
    const { code, expiresAt, refreshAt } = issueMemberCode(key, customerId, T);
    expect(code).toMatch(/^M1\.cus_[0-9a-z]+\.[0-9a-z]+\.[\w-]{8}\.[\w-]{22}$/);
    expect(code.length).toBeLessThanOrEqual(80);
    expect(refreshAt.getTime() - expiresAt.getTime()).toBe(-WINDOW_SECONDS * 1000);
    expect(verifyMemberCode(key, code, T)).toMatchObject({ customerId });
  });

  it('differs each time it is fetched, even within one window', () => {
    expect(issueMemberCode(key, customerId, T).code).not.toBe(issueMemberCode(key, customerId, T).code);
  });

  it('is accepted for the rest of its window and the next, then expires', () => {
    const { code, expiresAt } = issueMemberCode(key, customerId, T);
    expect(verifyMemberCode(key, code, T + WINDOW_SECONDS * 1000).customerId).toBe(customerId);
    expect(verifyMemberCode(key, code, expiresAt.getTime() - 1).customerId).toBe(customerId);
    expect(failure(() => verifyMemberCode(key, code, expiresAt.getTime()))).toBe('member_code.expired');
    expect(failure(() => verifyMemberCode(key, code, T + 3600_000))).toBe('member_code.expired');
  });

  it('refuses a code that was altered anywhere, signed with another secret, or from the far future', () => {
    const { code } = issueMemberCode(key, customerId, T);
    for (const part of [1, 2, 3, 4])
      expect(
        failure(() => verifyMemberCode(key, alter(code, part), T)),
        `part ${part}`,
      ).toBe('member_code.invalid');
    expect(failure(() => verifyMemberCode(key, code.replace('M1.', 'M2.'), T))).toBe('member_code.invalid');
    expect(failure(() => verifyMemberCode(memberCodeKey('another-secret-0123456789'), code, T))).toBe(
      'member_code.invalid',
    );
    expect(failure(() => verifyMemberCode(key, issueMemberCode(key, customerId, T + 5 * 60_000).code, T))).toBe(
      'member_code.invalid',
    );
    expect(failure(() => verifyMemberCode(key, 'hello', T))).toBe('member_code.invalid');
    expect(failure(() => verifyMemberCode(key, `${code}x`, T))).toBe('member_code.invalid');
  });
});
