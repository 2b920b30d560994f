import {
  createCustomer,
  customerIdByIdentifier,
  hasConsent,
  normalizeIdentifier,
  recordConsents,
  type ConsentChange,
  type ConsentChannel,
} from '../customers/service.ts';
import type { Executor } from '../../platform/db/connection.ts';
import { requireRole } from '../../platform/auth.ts';
import { duplicates, type BatchOutcome, type ImportKindSpec, type RowAction } from './kinds.ts';
import type { RowError } from './schema.ts';
import type { RowReader } from './table.ts';

/** Consent columns: one per channel, for marketing messages (配信同意). Empty cell: left as it is. */
const consentColumns: Array<{ key: string; channel: ConsentChannel; headers: string[] }> = [
  { key: 'consentEmail', channel: 'email', headers: ['メール配信同意', 'メール同意', 'consent_email'] },
  { key: 'consentLine', channel: 'line', headers: ['LINE配信同意', 'LINE同意', 'consent_line'] },
  { key: 'consentSms', channel: 'sms', headers: ['SMS配信同意', 'SMS同意', 'consent_sms'] },
  { key: 'consentPush', channel: 'push', headers: ['プッシュ通知同意', 'プッシュ同意', 'consent_push'] },
];

interface Row {
  line: number;
  memberNumber?: string | undefined;
  name: string;
  nameKana?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  birthday?: string | undefined;
  consents: ConsentChange[];
}

const yes = new Set(['1', 'true', 'yes', 'y', 'はい', '同意', '有', 'あり', '○', '〇']);
const no = new Set(['0', 'false', 'no', 'n', 'いいえ', '拒否', '無', 'なし', '×']);

function readBirthday(r: RowReader): string | undefined {
  const v = r.text('birthday');
  if (v === undefined) return undefined;
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(v);
  const iso = m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : '';
  const d = new Date(`${iso}T00:00:00Z`);
  if (!m || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return r.fail('birthday', 'birthday');
  return iso;
}

function identifier(r: RowReader, key: 'email' | 'phone'): string | undefined {
  const v = r.text(key, { max: 254 });
  if (v === undefined) return undefined;
  return normalizeIdentifier(key, v) ?? r.fail(key, key);
}

/** The customer a row is about: by 会員番号, else e-mail, else phone; null for a new one. */
async function match(db: Executor, row: Row): Promise<string | null> {
  if (row.memberNumber) return customerIdByIdentifier(db, 'member_number', row.memberNumber);
  if (row.email) {
    const id = await customerIdByIdentifier(db, 'email', row.email);
    if (id) return id;
  }
  return row.phone ? customerIdByIdentifier(db, 'phone', row.phone) : null;
}

async function consentChanges(db: Executor, id: string, row: Row): Promise<ConsentChange[]> {
  const out: ConsentChange[] = [];
  for (const c of row.consents) if ((await hasConsent(db, id, c.channel, c.purpose)) !== c.granted) out.push(c);
  return out;
}

async function planRows(db: Executor, rows: Row[]) {
  const actions: Array<RowAction | null> = [];
  const errors: RowError[] = [];
  const ids: Array<string | null> = [];
  for (const row of rows) {
    const id = await match(db, row);
    ids.push(id);
    if (!id && row.memberNumber) {
      errors.push({ line: row.line, column: '会員番号', code: 'member', params: { memberNumber: row.memberNumber } });
      actions.push(null);
    } else if (!id) actions.push('create');
    else actions.push((await consentChanges(db, id, row)).length ? 'update' : 'unchanged');
  }
  return { actions, errors, ids };
}

/**
 * 顧客: new members created (with the next member number), and for every row the 配信同意 columns recorded
 * as the customer's consents (history: this staff member, source `csv_import`). An existing customer (by
 * 会員番号, e-mail or phone) keeps her name and contact details: only her consents follow the file.
 */
export const customerImport: ImportKindSpec<Row> = {
  kind: 'customers',
  columns: [
    { key: 'memberNumber', headers: ['会員番号', 'member_number'] },
    { key: 'name', headers: ['氏名', '名前', 'name'], required: true },
    { key: 'nameKana', headers: ['氏名カナ', 'フリガナ', 'name_kana'] },
    { key: 'email', headers: ['メールアドレス', 'メール', 'email'] },
    { key: 'phone', headers: ['電話番号', '電話', 'phone'] },
    { key: 'birthday', headers: ['生年月日', '誕生日', 'birthday'] },
    ...consentColumns.map(({ key, headers }) => ({ key, headers })),
  ],
  batchSize: 500,
  prepare: async () => null,
  read(r) {
    const memberRaw = r.text('memberNumber');
    const memberNumber =
      memberRaw === undefined
        ? undefined
        : (normalizeIdentifier('member_number', memberRaw) ??
          r.fail('memberNumber', 'member', { memberNumber: memberRaw }));
    const name = r.text('name', { required: true, max: 100 });
    const nameKana = r.text('nameKana', { max: 100 });
    const email = identifier(r, 'email');
    const phone = identifier(r, 'phone');
    const birthday = readBirthday(r);
    const consents: ConsentChange[] = [];
    for (const c of consentColumns) {
      const v = r.text(c.key)?.toLowerCase();
      if (v === undefined) continue;
      if (yes.has(v) || no.has(v)) consents.push({ channel: c.channel, purpose: 'marketing', granted: yes.has(v) });
      else r.fail(c.key, 'flag');
    }
    if (r.errors.length || !name) return undefined;
    return { line: r.line, memberNumber, name, nameKana, email, phone, birthday, consents };
  },
  checkFile(rows, table) {
    return [
      ...duplicates(rows, (r) => r.memberNumber, table.headerOf.get('memberNumber') ?? '会員番号'),
      ...duplicates(rows, (r) => r.email, table.headerOf.get('email') ?? 'メールアドレス'),
      ...duplicates(rows, (r) => r.phone, table.headerOf.get('phone') ?? '電話番号'),
    ];
  },
  async plan(db, rows): Promise<BatchOutcome> {
    const { actions, errors } = await planRows(db, rows);
    return { actions, errors };
  },
  async write(tx, actor, rows): Promise<BatchOutcome> {
    const staff = requireRole(actor, 'owner', 'hq');
    const { actions, errors, ids } = await planRows(tx, rows);
    if (errors.length) return { actions, errors };
    for (const [i, row] of rows.entries()) {
      if (actions[i] === 'unchanged') continue;
      const id =
        ids[i] ??
        (await createCustomer(tx, {
          name: row.name,
          nameKana: row.nameKana,
          email: row.email,
          phone: row.phone,
          birthday: row.birthday,
          source: staff.staffId,
        }));
      await recordConsents(tx, id, row.consents, staff.staffId, 'csv_import');
    }
    return { actions, errors };
  },
};
