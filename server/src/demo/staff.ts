import { seededId } from '../platform/ids.ts';
import type { StaffRole } from '../platform/auth.ts';
import type { staffLocations, staffUsers } from '../modules/staff/schema.ts';
import { CHAIN_LOCATIONS, locationIdOf } from './chain.ts';

/** The one password of every demo account. A demo, not a secret: never use it on a real chain. */
export const DEMO_PASSWORD = 'musubi-demo-2026';

export interface DemoAccount {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** The location slug (shibuya, …), null for chain-wide roles. */
  location: string | null;
  locationId: string | null;
}

/** Manager and clerk of each location, in chain.ts order. 鈴木 健太 is Kenta of the scenarios. */
const PEOPLE: Record<string, readonly [manager: string, staff: string]> = {
  shibuya: ['中村 彩', '鈴木 健太'],
  harajuku: ['小林 美咲', '高橋 蓮'],
  shinjuku: ['伊藤 大輔', '渡辺 さくら'],
  ikebukuro: ['山本 直樹', '加藤 陽菜'],
  kichijoji: ['吉田 恵', '山田 翔太'],
  futakotamagawa: ['佐々木 由美', '松本 悠真'],
  ginza: ['井上 智子', '木村 颯'],
  minatomirai: ['林 誠', '清水 葵'],
  kawasaki: ['山口 浩二', '森 結菜'],
  umeda: ['池田 和也', '橋本 芽衣'],
  shinsaibashi: ['阿部 真由美', '石川 拓海'],
  tennoji: ['前田 聡', '藤田 優花'],
  ichikawa: ['岡田 隆', '長谷川 亮'],
};

const DOMAIN = 'demo.musubi.jp';

function accounts(): DemoAccount[] {
  let n = 0;
  const chainWide = (email: string, name: string, role: StaffRole): DemoAccount => ({
    id: seededId('stf', ++n),
    email: `${email}@${DOMAIN}`,
    name,
    role,
    location: null,
    locationId: null,
  });
  const list = [chainWide('owner', '結城 誠', 'owner'), chainWide('hq', '佐藤 由衣', 'hq')];
  for (const loc of CHAIN_LOCATIONS) {
    const people = PEOPLE[loc.slug];
    if (!people) throw new Error(`demo: no staff named for ${loc.slug}`);
    const base = { location: loc.slug, locationId: locationIdOf(loc) };
    list.push({
      id: seededId('stf', ++n),
      email: `${loc.slug}.manager@${DOMAIN}`,
      name: people[0],
      role: 'store_manager',
      ...base,
    });
    list.push({ id: seededId('stf', ++n), email: `${loc.slug}@${DOMAIN}`, name: people[1], role: 'staff', ...base });
  }
  return list;
}

/**
 * Every demo login: owner@demo.musubi.jp (owner), hq@demo.musubi.jp (head office), and for each
 * location `<slug>.manager@demo.musubi.jp` (store_manager) and `<slug>@demo.musubi.jp` (staff).
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = accounts();

/** Rows for staff_users and staff_locations; the password is hashed once by the caller and shared. */
export function staffRows(passwordHash: string) {
  return {
    users: DEMO_ACCOUNTS.map((a): typeof staffUsers.$inferInsert => ({
      id: a.id,
      email: a.email,
      name: a.name,
      passwordHash,
      role: a.role,
    })),
    locations: DEMO_ACCOUNTS.filter((a) => a.locationId).map((a): typeof staffLocations.$inferInsert => ({
      staffId: a.id,
      locationId: a.locationId!,
    })),
  };
}
