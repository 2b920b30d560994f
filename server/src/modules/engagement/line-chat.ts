import { eq, sql } from 'drizzle-orm';
import { query, type Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { getProduct, searchProducts } from '../catalog/service.ts';
import { customerIdByIdentifier, lastPositionsSql, loadCustomer, recordConsents } from '../customers/service.ts';
import { availabilityOfVariants } from '../inventory/service.ts';
import { listLocations, type LocationWithDistance } from '../locations/service.ts';
import { placeHold, type CheckoutDeps } from '../orders/service.ts';
import { lineChatOffers } from './schema.ts';

/** A LINE message object as the reply API takes it (text, with quick-reply buttons at most). */
export interface LineMessage {
  type: 'text';
  text: string;
  quickReply?: { items: Array<{ type: 'action'; action: Record<string, string> }> };
}

/** What the chat needs beyond the database: where members link their account, and checkout's settings. */
export interface LineChatDeps {
  publicUrl: string | undefined;
  orders: CheckoutDeps;
}

/** Stores named in a stock answer: the nearest ones to her last position or home store, else the first few. */
const STORES_SHOWN = 3;
/** Variants listed in one answer (a LINE text stays readable on a phone) and numbered offers (quick replies ≤ 13). */
const LINES_SHOWN = 5;
const OFFERS_SHOWN = 10;
/** 「取り置き 2」 refers to the last answer for this long. */
export const OFFER_TTL_MS = 3600_000;

const STOCK = /^(?:在庫確認|在庫|ざいこ|ザイコ)\s*(.*)$/s;
const HOLD = /^(?:取り置き|取置き|取置|とりおき)\s*(\d{1,2})$/;

/** The postback data of a hold button: the variant and the store, so a button works without the offers table. */
export function holdPostback(variantId: string, locationId: string): string {
  return `hold:${variantId}:${locationId}`;
}
const POSTBACK = /^hold:([A-Za-z0-9_]{1,64}):([A-Za-z0-9_]{1,64})$/;

/** The member a LINE user id is linked to (her 'line' identifier), or null. */
export function memberOfLineUser(db: Db, lineUserId: string): Promise<string | null> {
  return customerIdByIdentifier(db, 'line', lineUserId);
}

const linkPlease = (deps: LineChatDeps): LineMessage => ({
  type: 'text',
  text:
    'LINEと会員アカウントがまだ連携されていません。取り置きをするには、会員ページの「LINEと連携する」から連携してください。' +
    (deps.publicUrl ? `\n${deps.publicUrl}/account/consents` : ''),
});

const help: LineMessage = {
  type: 'text',
  text: '在庫を調べるには「在庫 商品名」（例: 在庫 ジャケット）と送ってください。お近くのお店の在庫をお知らせします。',
};

/** A text message from a LINE user: a stock question, a hold by number, or the help text. */
export async function answerText(db: Db, deps: LineChatDeps, lineUserId: string, raw: string): Promise<LineMessage[]> {
  const text = raw.normalize('NFKC').trim();
  const stock = STOCK.exec(text);
  if (stock) return stockAnswer(db, deps, lineUserId, stock[1]!.trim());
  const hold = HOLD.exec(text);
  if (hold) {
    const customerId = await memberOfLineUser(db, lineUserId);
    if (!customerId) return [linkPlease(deps)];
    const [row] = await db.select().from(lineChatOffers).where(eq(lineChatOffers.lineUserId, lineUserId));
    const offer =
      row && Date.now() - row.offeredAt.getTime() < OFFER_TTL_MS ? row.offers[Number(hold[1]) - 1] : undefined;
    if (!offer)
      return [
        { type: 'text', text: 'その番号の商品が見つかりません。もう一度「在庫 商品名」で在庫を調べてください。' },
      ];
    return [await holdAnswer(db, deps, customerId, offer.variantId, offer.locationId)];
  }
  return [help];
}

/** A postback from a hold button under a stock answer. */
export async function answerPostback(
  db: Db,
  deps: LineChatDeps,
  lineUserId: string,
  data: string,
): Promise<LineMessage[]> {
  const m = POSTBACK.exec(data);
  if (!m) return [help];
  const customerId = await memberOfLineUser(db, lineUserId);
  if (!customerId) return [linkPlease(deps)];
  return [await holdAnswer(db, deps, customerId, m[1]!, m[2]!)];
}

/** She added the official account as a friend: a greeting that says what to ask, and to link if she has not. */
export async function answerFollow(db: Db, deps: LineChatDeps, lineUserId: string): Promise<LineMessage[]> {
  const linked = await memberOfLineUser(db, lineUserId);
  return linked ? [{ type: 'text', text: `友だち追加ありがとうございます。\n${help.text}` }] : [help, linkPlease(deps)];
}

/** She blocked the official account: LINE marketing consent is withdrawn (nothing can be delivered anyway). */
export async function unfollowed(db: Db, lineUserId: string): Promise<void> {
  const customerId = await memberOfLineUser(db, lineUserId);
  if (!customerId) return;
  await recordConsents(
    db,
    customerId,
    [{ channel: 'line', purpose: 'marketing', granted: false }],
    `line:${lineUserId}`,
    'line_unfollow',
  );
}

/** Stores this close to her count as "near"; when none is, the nearest few anyway. */
const NEAR_KM = 30;

/**
 * Where she is, as far as we know: her last position (with location consent), else her home store; null for
 * a LINE user we cannot place (then the answer names the stores that have the most of it).
 */
async function whereIs(db: Db, customerId: string | null): Promise<{ lat: number; lng: number } | null> {
  if (!customerId) return null;
  const [pos] = await query<{ lat: number; lng: number }>(
    db,
    sql`SELECT p.lat, p.lng FROM (${lastPositionsSql()}) p WHERE p.customer_id = ${customerId}`,
  );
  if (pos) return { lat: pos.lat, lng: pos.lng };
  const member = await loadCustomer(db, customerId);
  if (!member.homeLocationId) return null;
  const home = (await listLocations(db)).find((l) => l.id === member.homeLocationId);
  return home ? { lat: home.lat, lng: home.lng } : null;
}

/** The stores to name: the nearest to her (within NEAR_KM, else the nearest few), else those with the most stock. */
async function storesFor(
  db: Db,
  near: { lat: number; lng: number } | null,
  available: Map<string, number>,
): Promise<LocationWithDistance[]> {
  const stores = await listLocations(db, { kind: 'store', ...(near ? { near } : {}) });
  if (near) {
    const close = stores.filter((s) => s.distanceKm! <= NEAR_KM);
    return (close.length ? close : stores).slice(0, STORES_SHOWN);
  }
  const total = (id: string) => available.get(id) ?? 0;
  return stores
    .filter((s) => total(s.id) > 0)
    .sort((a, b) => total(b.id) - total(a.id))
    .slice(0, STORES_SHOWN);
}

/** Colour before size, as a shop says it (jsonb keeps keys in its own order). */
const OPTION_ORDER = ['color', 'colour', 'size'];
const optionRank = (k: string) => (OPTION_ORDER.includes(k) ? OPTION_ORDER.indexOf(k) : OPTION_ORDER.length);

const variantLabel = (productName: string, options: Record<string, string>) =>
  [
    productName,
    ...Object.entries(options)
      .sort(([a], [b]) => optionRank(a) - optionRank(b))
      .map(([, v]) => v),
  ].join(' ');

/** 「撥水マウンテンジャケット ネイビー M: 原宿店 3点・新宿店 1点」 for the best matches, with hold buttons. */
async function stockAnswer(db: Db, deps: LineChatDeps, lineUserId: string, q: string): Promise<LineMessage[]> {
  if (!q) return [help];
  const { items } = await searchProducts(db, { q: q.slice(0, 100), limit: 3 });
  if (!items.length)
    return [{ type: 'text', text: `「${q}」に合う商品が見つかりませんでした。別の言葉でお試しください。` }];
  const customerId = await memberOfLineUser(db, lineUserId);
  const variants = (await Promise.all(items.map((p) => getProduct(db, p.id)))).flatMap((p) =>
    p.variants.filter((v) => v.status === 'active').map((v) => ({ id: v.id, label: variantLabel(p.name, v.options) })),
  );
  const levels = await availabilityOfVariants(
    db,
    variants.map((v) => v.id),
  );
  const available = new Map(levels.map((l) => [`${l.variantId}|${l.locationId}`, l.available]));
  const perStore = new Map<string, number>();
  for (const l of levels) perStore.set(l.locationId, (perStore.get(l.locationId) ?? 0) + l.available);
  const stores = await storesFor(db, await whereIs(db, customerId), perStore);
  const lines: string[] = [];
  const offers: Array<{ variantId: string; locationId: string; label: string }> = [];
  for (const v of variants) {
    const at = stores.map((s) => ({ s, n: available.get(`${v.id}|${s.id}`) ?? 0 })).filter((x) => x.n > 0);
    if (!at.length) continue;
    if (lines.length === LINES_SHOWN) break;
    const numbered = at.map(({ s, n }) => {
      if (offers.length === OFFERS_SHOWN) return `${s.name} ${n}点`;
      offers.push({ variantId: v.id, locationId: s.id, label: `${v.label}（${s.name}）` });
      return `[${offers.length}]${s.name} ${n}点`;
    });
    lines.push(`${v.label}: ${numbered.join('・')}`);
  }
  if (!lines.length)
    return [
      {
        type: 'text',
        text: stores.length
          ? `「${q}」はお近くのお店（${stores.map((s) => s.name).join('・')}）に在庫がありません。オンラインストアもご覧ください。`
          : `「${q}」は今どのお店にも在庫がありません。オンラインストアもご覧ください。`,
      },
    ];
  await db
    .insert(lineChatOffers)
    .values({ lineUserId, offers })
    .onConflictDoUpdate({ target: lineChatOffers.lineUserId, set: { offers, offeredAt: sql`now()` } });
  const tail = customerId
    ? '取り置きは下のボタンか「取り置き 番号」で（お支払いは店頭で）。'
    : '会員ページで「LINEと連携する」と、ここから取り置きができます。';
  return [
    {
      type: 'text',
      text: `お近くのお店の在庫です。\n${lines.join('\n')}\n${tail}`.slice(0, 5000),
      ...(customerId
        ? {
            quickReply: {
              items: offers.map((o, i) => ({
                type: 'action' as const,
                action: {
                  type: 'postback',
                  label: `取り置き ${i + 1}`,
                  data: holdPostback(o.variantId, o.locationId),
                  displayText: `取り置き ${i + 1}`,
                },
              })),
            },
          }
        : {}),
    },
  ];
}

const tokyo = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Place the hold through orders and say until when it waits; a refusal (sold out, store closed for holds) in words. */
async function holdAnswer(
  db: Db,
  deps: LineChatDeps,
  customerId: string,
  variantId: string,
  locationId: string,
): Promise<LineMessage> {
  try {
    const order = await placeHold(db, deps.orders, { customerId, variantId, locationId });
    const f = order.fulfilments[0]!;
    const store = (await listLocations(db)).find((l) => l.id === locationId)?.name ?? '';
    const item = order.lines[0]?.name ?? '';
    return {
      type: 'text',
      text:
        `${store}で「${item}」を取り置きしました。\n` +
        `${f.deadline ? tokyo.format(new Date(f.deadline)) : ''}までにお受け取りください（お支払いは店頭で）。` +
        (f.pickupCode ? `\n受取番号: ${f.pickupCode}` : ''),
    };
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const soldOut = err.code === 'cart.unavailable' || err.code === 'inventory.insufficient_stock';
    return {
      type: 'text',
      text: soldOut
        ? '申し訳ありません。在庫がなくなり、取り置きできませんでした。もう一度「在庫 商品名」でお調べください。'
        : '申し訳ありません。このお店では取り置きできませんでした。お店に直接お問い合わせください。',
    };
  }
}
