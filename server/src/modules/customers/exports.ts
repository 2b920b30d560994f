import { sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { isChainWide, requireStaff, type Principal, type StaffPrincipal } from '../../platform/auth.ts';
import { requireScope } from '../../platform/api-scopes.ts';
import { recordAudit } from '../../platform/audit.ts';
import { CSV_PAGE_ROWS, tokyoTime, type CsvColumn, type CsvPage } from '../../platform/csv-export.ts';

interface CustomerRow {
  id: string;
  member_number: string;
  name: string | null;
  name_kana: string | null;
  tier: string;
  home_location_id: string | null;
  created_at: string;
  email: string | null;
  phone: string | null;
  birthday: string | null;
}

const everyone: CsvColumn<CustomerRow>[] = [
  { header: '会員番号', value: (r) => r.member_number },
  { header: 'お名前', value: (r) => r.name },
  { header: 'フリガナ', value: (r) => r.name_kana },
  { header: 'ランク', value: (r) => r.tier },
  { header: '登録店舗', value: (r) => r.home_location_id },
  { header: '登録日時(JST)', value: (r) => tokyoTime(r.created_at) },
];
/** Contact details and birthday: head office's only, as in the search (staff-service.ts, maskedFor). */
const contact: CsvColumn<CustomerRow>[] = [
  { header: 'メールアドレス', value: (r) => r.email },
  { header: '電話番号', value: (r) => r.phone },
  { header: '誕生日', value: (r) => r.birthday },
];

/**
 * Which columns a role exports, and whose rows. The rule is the search's: head office (owner, hq) sees
 * every member with contact details and birthday; a store manager the members registered at her stores,
 * name and membership only (a store finds the person in front of it; it does not mail the chain's list);
 * a clerk exports no list at all.
 */
export function customerCsvColumns(staff: StaffPrincipal): CsvColumn<CustomerRow>[] {
  return isChainWide(staff) ? [...everyone, ...contact] : everyone;
}

/**
 * The members as a CSV export, keyset pages on id (ids are unique and never change); active members only
 * (a merged one lives on in her survivor, a deleted one has nothing left to export). The export is audited
 * before the first row leaves.
 */
export async function customerExport(
  db: Db,
  actor: Principal,
): Promise<{ columns: CsvColumn<CustomerRow>[]; page: CsvPage<CustomerRow, string> }> {
  const staff = requireStaff(actor);
  // Personal data in bulk: a token needs customers:read here as at the edge.
  requireScope(actor, 'customers:read');
  if (staff.role === 'staff')
    throw new DomainError('platform.forbidden', {
      reason: '顧客一覧のエクスポートは店長・本部のみです。',
      reasonEn: 'Only store managers and head office export the customer list.',
    });
  const columns = customerCsvColumns(staff);
  const withContact = isChainWide(staff);
  const stores = isChainWide(staff) ? undefined : staff.locationIds.length ? staff.locationIds : [''];
  await recordAudit(db, staff, {
    action: 'customer.list_exported',
    subjectType: 'customer',
    subjectId: '*',
    detail: { columns: columns.map((c) => c.header), locationIds: stores ?? 'all' },
  });
  const page: CsvPage<CustomerRow, string> = async (after) => {
    const rows = await query<CustomerRow>(
      db,
      sql`SELECT c.id, c.member_number, c.name, c.name_kana, c.tier, c.home_location_id, c.created_at,
                 ${withContact ? sql`(SELECT i.value FROM customer_identifiers i WHERE i.customer_id = c.id AND i.kind = 'email' LIMIT 1)` : sql`NULL`} AS email,
                 ${withContact ? sql`(SELECT i.value FROM customer_identifiers i WHERE i.customer_id = c.id AND i.kind = 'phone' LIMIT 1)` : sql`NULL`} AS phone,
                 ${withContact ? sql`c.birthday::text` : sql`NULL`} AS birthday
            FROM customers c
           WHERE c.status = 'active'
             ${stores ? sql`AND c.home_location_id IN ${stores}` : sql``}
             ${after !== undefined ? sql`AND c.id > ${after}` : sql``}
           ORDER BY c.id
           LIMIT ${CSV_PAGE_ROWS}`,
    );
    const last = rows[rows.length - 1];
    return { rows, next: rows.length === CSV_PAGE_ROWS && last ? last.id : undefined };
  };
  return { columns, page };
}
