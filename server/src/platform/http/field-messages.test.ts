import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { translateIssue, type RawIssue } from './field-messages.ts';

/** The first issue of a failed parse, in each language. */
function words(schema: z.ZodType, value: unknown): { ja: string; en: string } {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  const issue = result.error.issues[0] as unknown as RawIssue;
  return { ja: translateIssue(issue, 'ja'), en: translateIssue(issue, 'en') };
}

describe('validation messages', () => {
  it('say what is wanted in plain words, with no JavaScript type names in Japanese', () => {
    expect(words(z.object({ a: z.string() }), {})).toEqual({ ja: '文字で入力してください', en: 'Expected text' });
    expect(words(z.object({ a: z.number().int() }), { a: 'x' })).toEqual({
      ja: '数値で入力してください',
      en: 'Expected a number',
    });
    expect(words(z.object({ a: z.boolean() }), { a: 'yes' }).ja).toBe('true か falseで入力してください');
    expect(words(z.object({ a: z.array(z.string()) }), { a: 'x' }).ja).toBe('一覧（配列）で入力してください');
  });

  it('give the limits of text, numbers and lists', () => {
    expect(words(z.string().min(1), '')).toEqual({ ja: '入力してください', en: 'Required' });
    expect(words(z.string().min(10), 'short')).toEqual({
      ja: '10文字以上で入力してください',
      en: 'At least 10 characters',
    });
    expect(words(z.string().max(200), 'x'.repeat(201)).ja).toBe('200文字以内で入力してください');
    expect(words(z.number().int().min(1), 0)).toEqual({ ja: '1以上の数を入力してください', en: 'Must be 1 or more' });
    expect(words(z.number().positive(), 0).ja).toBe('0より大きい数を入力してください');
    expect(words(z.number().max(50000), 60000)).toEqual({
      ja: '50,000以下の数を入力してください',
      en: 'Must be 50,000 or less',
    });
    expect(words(z.array(z.string()).min(1), [])).toEqual({ ja: '1件以上指定してください', en: 'At least 1 item' });
    expect(words(z.array(z.string()).max(2), ['a', 'b', 'c']).ja).toBe('2件までにしてください');
  });

  it('never shows a regular expression, and keeps zod’s words where they are already plain', () => {
    expect(words(z.string().regex(/^\d+$/), 'x')).toEqual({
      ja: '形式が正しくありません',
      en: 'The format is not valid',
    });
    expect(words(z.enum(['a', 'b']), 'c').ja).toContain('"a"、"b"');
    expect(words(z.email(), 'x').ja).toBe('無効なメールアドレス');
  });
});
