import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../platform/csv.ts';
import { exportTables, exportZip } from './export-files.ts';

describe('personal data export as files', () => {
  it('turns sections into tables: children carry the parent id, nested records become dotted columns', () => {
    const tables = exportTables({
      exportedAt: '2026-12-04T00:00:00.000Z',
      profile: { name: '佐藤 美咲', memberNumber: 'M-1' },
      orders: [
        {
          id: 'ord_1',
          total: 2200,
          lines: [{ id: 'ol_1', quantity: 2 }],
          fulfilments: [{ id: 'ful_1', address: { city: '渋谷区' } }],
        },
      ],
      points: { balance: 20, entries: [{ id: 'pe_1', points: 20 }] },
      notices: [],
    });
    expect([...tables.keys()]).toEqual([
      'export',
      'profile',
      'orders',
      'orders.lines',
      'orders.fulfilments',
      'points',
      'points.entries',
      'notices',
    ]);
    expect(tables.get('orders')).toEqual([{ id: 'ord_1', total: 2200 }]);
    expect(tables.get('orders.lines')).toEqual([{ orderId: 'ord_1', id: 'ol_1', quantity: 2 }]);
    expect(tables.get('orders.fulfilments')).toEqual([{ orderId: 'ord_1', id: 'ful_1', 'address.city': '渋谷区' }]);
    expect(tables.get('points')).toEqual([{ balance: 20 }]);
    expect(tables.get('points.entries')).toEqual([{ id: 'pe_1', points: 20 }]);
    expect(tables.get('notices')).toEqual([]);
  });

  it('writes RFC 4180 CSV with a BOM and CRLF, quoting commas, quotes and line breaks', () => {
    const csv = toCsv([
      { a: 'シャツ, "白"', b: null, c: { x: 1 } },
      { a: '二行\n目', d: 3 },
    ]);
    expect(csv).toBe('\uFEFFa,b,c,d\r\n"シャツ, ""白""",,"{""x"":1}",\r\n"二行\n目",,,3\r\n');
  });

  it('defuses a cell a spreadsheet would run as a formula, not a negative number', () => {
    const csv = toCsv([{ name: '=HYPERLINK("http://x")', note: '@SUM(A1)', points: -5 }], {
      name: '名前',
      note: 'メモ',
      points: 'ポイント',
    });
    expect(csv).toBe('\uFEFF名前,メモ,ポイント\r\n"\'=HYPERLINK(""http://x"")",\'@SUM(A1),-5\r\n');
  });

  it('makes a ZIP that unzip accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-zip-'));
    const file = join(dir, 'export.zip');
    writeFileSync(file, exportZip({ profile: { name: '佐藤 美咲' }, orders: [{ id: 'o', lines: [{ id: 'l' }] }] }));
    let listing: string;
    try {
      listing = execFileSync('unzip', ['-l', file], { encoding: 'utf8' });
    } catch (err) {
      // no unzip on this machine: the end-to-end test reads the archive itself
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    expect(listing).toContain('export.json');
    expect(listing).toContain('orders.lines.csv');
    expect(execFileSync('unzip', ['-p', file, 'profile.csv'], { encoding: 'utf8' })).toBe(
      '\uFEFFname\r\n佐藤 美咲\r\n',
    );
  });
});
