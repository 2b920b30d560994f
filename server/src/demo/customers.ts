import { seededId } from '../platform/ids.ts';
import type { customerConsents, customerIdentifiers, customers, consentHistory } from '../modules/customers/schema.ts';
import type { customerEvents } from '../modules/events/schema.ts';
import type { cartLines, carts } from '../modules/orders/schema.ts';
import type { pointAllocations, pointEntries, pointLots, walletEntries } from '../modules/loyalty/schema.ts';
import { makeMemberNumber, nameSearchKey } from '../modules/customers/normalize.ts';
import type { DemoProduct } from './catalog.ts';
import { CHAIN_LOCATIONS, locationIdOf } from './chain.ts';
import type { Random } from './prng.ts';
import { HISTORY_DAYS, seasonality, type BasketRequest } from './history.ts';
import { SHIBUYA_STORE_ID, SHOWCASE } from './showcase.ts';

/**
 * About 2,000 members of むすびマーケット with a believable mix: online-only shoppers, store-only members
 * with a plastic card, and omnichannel ones; months of browsing and visits, purchases that earned points
 * (some spent), app wallets, consents, and a few deliberate duplicates (the same person registered once
 * online and once at the till) for the HQ duplicate screen. Aiko of the scenarios is customer 1.
 */

export const DEMO_CUSTOMER_COUNT = 2000;
export const AIKO_ID = seededId('cus', 1);
export const AIKO_EMAIL = 'aiko@demo.musubi.jp';
/** Aiko's till PIN (暗証番号): what she types at the till to pay with her points or wallet. */
export const DEMO_PIN = '2468';
/** Aiko's open cart: the jacket she put in it last night on the train, there when she signs in. */
export const AIKO_CART_ID = seededId('crt', 1);
/** Pairs (online id, till id) that are the same person: same name and birthday. */
export const DUPLICATE_PAIRS = 6;

const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  ['佐藤', 'さとう'],
  ['鈴木', 'すずき'],
  ['高橋', 'たかはし'],
  ['田中', 'たなか'],
  ['伊藤', 'いとう'],
  ['渡辺', 'わたなべ'],
  ['山本', 'やまもと'],
  ['中村', 'なかむら'],
  ['小林', 'こばやし'],
  ['加藤', 'かとう'],
  ['吉田', 'よしだ'],
  ['山田', 'やまだ'],
  ['佐々木', 'ささき'],
  ['山口', 'やまぐち'],
  ['松本', 'まつもと'],
  ['井上', 'いのうえ'],
  ['木村', 'きむら'],
  ['林', 'はやし'],
  ['斎藤', 'さいとう'],
  ['清水', 'しみず'],
  ['山崎', 'やまざき'],
  ['森', 'もり'],
  ['池田', 'いけだ'],
  ['橋本', 'はしもと'],
  ['阿部', 'あべ'],
  ['石川', 'いしかわ'],
  ['前田', 'まえだ'],
  ['藤田', 'ふじた'],
  ['小川', 'おがわ'],
  ['岡田', 'おかだ'],
];
const GIVEN: ReadonlyArray<readonly [string, string]> = [
  ['愛子', 'あいこ'],
  ['美咲', 'みさき'],
  ['陽菜', 'ひな'],
  ['結衣', 'ゆい'],
  ['さくら', 'さくら'],
  ['葵', 'あおい'],
  ['真由美', 'まゆみ'],
  ['恵', 'めぐみ'],
  ['由美', 'ゆみ'],
  ['彩', 'あや'],
  ['芽衣', 'めい'],
  ['優花', 'ゆうか'],
  ['蓮', 'れん'],
  ['翔太', 'しょうた'],
  ['大輔', 'だいすけ'],
  ['健太', 'けんた'],
  ['直樹', 'なおき'],
  ['拓海', 'たくみ'],
  ['悠真', 'ゆうま'],
  ['颯', 'はやて'],
  ['誠', 'まこと'],
  ['隆', 'たかし'],
  ['和也', 'かずや'],
  ['浩二', 'こうじ'],
  ['聡', 'さとし'],
  ['亮', 'りょう'],
];
const SEARCHES = [
  'ジャケット',
  'スニーカー',
  'ラテ',
  '傘',
  'リネン',
  'マグ',
  'バッグ',
  'ニット',
  'お茶',
  'タオル',
  '靴下',
  'パーカー',
];

type Kind = 'online' | 'store' | 'omni';
const DAY = 86400_000;

export interface CustomerPlan {
  customers: Array<typeof customers.$inferInsert>;
  identifiers: Array<typeof customerIdentifiers.$inferInsert>;
  events: Array<typeof customerEvents.$inferInsert>;
  pointEntries: Array<typeof pointEntries.$inferInsert>;
  pointLots: Array<typeof pointLots.$inferInsert>;
  pointAllocations: Array<typeof pointAllocations.$inferInsert>;
  walletEntries: Array<typeof walletEntries.$inferInsert>;
  consents: Array<typeof customerConsents.$inferInsert>;
  consentHistory: Array<typeof consentHistory.$inferInsert>;
  carts: Array<typeof carts.$inferInsert>;
  cartLines: Array<typeof cartLines.$inferInsert>;
}

function tierOf(spend12m: number): 'regular' | 'silver' | 'gold' {
  return spend12m >= 150_000 ? 'gold' : spend12m >= 50_000 ? 'silver' : 'regular';
}

export function planCustomers(
  items: readonly DemoProduct[],
  rng: Random,
  passwordHash: string,
  now = Date.now(),
  /** Makes a purchase of the last 12 months a real order (history.ts); without it, events only. */
  basket?: (r: BasketRequest) => { orderId: string; number: string; total: number; earnable: number },
): CustomerPlan {
  const seasonalDay = seasonality(now);
  const plan: CustomerPlan = {
    customers: [],
    identifiers: [],
    events: [],
    pointEntries: [],
    pointLots: [],
    pointAllocations: [],
    walletEntries: [],
    consents: [],
    consentHistory: [],
    carts: [],
    cartLines: [],
  };
  const stores = CHAIN_LOCATIONS.filter((l) => l.kind === 'store').map(locationIdOf);
  const browsable = items.filter((i) => i.group !== 'cafe');
  const seq = { event: 0, entry: 0, lot: 0, wallet: 0 };
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY - rng.int(0, 86_399) * 1000);

  const addEvent = (
    customerId: string | null,
    deviceId: string | null,
    type: string,
    channel: 'web' | 'app' | 'store',
    when: Date,
    payload: Record<string, unknown>,
    locationId: string | null = null,
  ) => {
    plan.events.push({
      id: seededId('evt', ++seq.event),
      type,
      occurredAt: when,
      channel,
      deviceId,
      customerId,
      locationId,
      source: channel === 'store' ? 'store' : 'device',
      payload,
    });
  };

  for (let n = 1; n <= DEMO_CUSTOMER_COUNT; n++) {
    const id = seededId('cus', n);
    const aiko = n === 1;
    const duplicateOf =
      n > DEMO_CUSTOMER_COUNT - DUPLICATE_PAIRS ? n - (DEMO_CUSTOMER_COUNT - DUPLICATE_PAIRS) + 1 : null; // the last few repeat customers 2…7
    const kind: Kind = aiko
      ? 'omni'
      : duplicateOf
        ? 'store'
        : rng.chance(0.35)
          ? 'online'
          : rng.chance(0.4)
            ? 'store'
            : 'omni';
    const twin = duplicateOf ? plan.customers[duplicateOf - 1] : undefined;
    const [surname, surnameKana] = aiko ? (['田中', 'たなか'] as const) : rng.pick(SURNAMES);
    const [given, givenKana] = aiko ? (['愛子', 'あいこ'] as const) : rng.pick(GIVEN);
    const name = twin?.name ?? `${surname} ${given}`;
    const nameKana = twin?.nameKana ?? `${surnameKana} ${givenKana}`;
    const birthday =
      twin?.birthday ??
      (aiko
        ? '1992-06-14'
        : `${rng.int(1950, 2005)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`);
    const sinceDays = aiko ? 700 : rng.int(20, 900);
    const home = aiko ? SHIBUYA_STORE_ID : rng.pick(stores);
    const online = kind !== 'store';
    const inStore = kind !== 'online';

    const devices = online ? Array.from({ length: rng.int(1, 2) }, (_, i) => `demo-device-${n}-${i}`) : [];
    plan.identifiers.push({ kind: 'member_number', value: makeMemberNumber(n), customerId: id });
    if (online)
      plan.identifiers.push({ kind: 'email', value: aiko ? AIKO_EMAIL : `member${n}@example.jp`, customerId: id });
    if (aiko || (!duplicateOf && rng.chance(0.6)))
      plan.identifiers.push({
        kind: 'phone',
        value: aiko ? '+819012345678' : `+8190${String(10_000_000 + n * 7919).slice(-8)}`,
        customerId: id,
      });
    if (inStore && (duplicateOf || rng.chance(0.5)))
      plan.identifiers.push({ kind: 'card', value: `MC${String(n).padStart(10, '0')}`, customerId: id });
    for (const d of devices) plan.identifiers.push({ kind: 'device', value: d, customerId: id });

    // Browsing online: views, searches, carts and favourites, most recent weeks busiest.
    if (online) {
      const sessions = aiko ? 14 : rng.low(1, 14);
      for (let s = 0; s < sessions; s++) {
        const day = aiko ? s * 9 + 1 : rng.low(0, Math.min(sinceDays, 180));
        const channel = rng.chance(0.55) ? 'app' : 'web';
        const device = rng.pick(devices);
        addEvent(id, device, 'searched', channel, at(day), { q: rng.pick(SEARCHES) });
        for (const product of rng.some(browsable, rng.int(1, 4))) {
          const variant = rng.pick(product.variants);
          addEvent(id, device, 'product_viewed', channel, at(day), { productId: product.id, variantId: variant.id });
          if (rng.chance(0.2))
            addEvent(id, device, 'cart_updated', channel, at(day), {
              productId: product.id,
              variantId: variant.id,
              quantity: 1,
            });
          if (rng.chance(0.1))
            addEvent(id, device, 'favorited', channel, at(day), { productId: product.id, variantId: variant.id });
        }
      }
    }
    if (aiko) {
      // Last night on the train: the jacket the scenario is about, twice, and into the cart.
      addEvent(id, devices[0]!, 'product_viewed', 'app', new Date(now - 0.6 * DAY), {
        productId: SHOWCASE.jacket.productId,
        variantId: SHOWCASE.jacket.variantId,
      });
      addEvent(id, devices[0]!, 'cart_updated', 'app', new Date(now - 0.59 * DAY), {
        productId: SHOWCASE.jacket.productId,
        variantId: SHOWCASE.jacket.variantId,
        quantity: 1,
      });
      // …and the cart itself, so the app shows it at login as the event says.
      const carted = new Date(now - 0.59 * DAY);
      plan.carts.push({
        id: AIKO_CART_ID,
        channel: 'app',
        customerId: id,
        deviceId: devices[0]!,
        status: 'open',
        createdAt: carted,
        updatedAt: carted,
      });
      plan.cartLines.push({ cartId: AIKO_CART_ID, variantId: SHOWCASE.jacket.variantId, quantity: 1, addedAt: carted });
    }

    // Purchases (online orders ship from the warehouse; store ones at a till) earn points.
    // Omnichannel members come back more often and buy more (the OMO thesis the analytics show).
    const purchases = aiko ? 24 : kind === 'omni' ? rng.low(3, 26) : rng.low(0, inStore ? 14 : 8);
    let spend12m = 0;
    const lots: Array<typeof pointLots.$inferInsert & { remaining: number }> = [];
    for (let p = 0; p < purchases; p++) {
      const daysAgo = aiko ? 5 + p * 14 : seasonalDay(rng.next(), Math.min(sinceDays, 500));
      const when = at(daysAgo);
      const storeSale = inStore && (!online || rng.chance(0.5));
      const location = storeSale ? (rng.chance(0.7) ? home : rng.pick(stores)) : null;
      const target =
        (aiko ? 7_000 + (p % 5) * 1_500 : rng.int(8, 200) * 100 + rng.pick([0, 40, 80])) * (kind === 'omni' ? 1.3 : 1);
      const channel = storeSale ? 'store' : rng.chance(0.5) ? 'app' : 'web';
      const order =
        basket && daysAgo <= HISTORY_DAYS
          ? basket({ customerId: id, channel, locationId: location, homeLocationId: home, when, target })
          : null;
      const spend = order ? order.earnable : Math.round(target); // points are earned on the goods, not the shipping
      if (daysAgo <= 365) spend12m += spend;
      const reference = order ? order.orderId : `demo-order-${n}-${p}`;
      if (storeSale) {
        addEvent(id, null, 'store_visited', 'store', when, { via: 'member_scanned' }, location);
        addEvent(id, null, 'member_scanned', 'store', when, { method: rng.chance(0.6) ? 'app_qr' : 'card' }, location);
      }
      addEvent(
        id,
        null,
        'purchased',
        channel,
        when,
        order ? { orderId: order.orderId, number: order.number, total: order.total } : { reference, total: spend },
        location,
      );
      const points = Math.floor(spend / 100);
      const entryId = seededId('pte', ++seq.entry);
      plan.pointEntries.push({
        id: entryId,
        customerId: id,
        kind: 'earn',
        points,
        reference,
        spend,
        channel: storeSale ? 'store' : 'web',
        locationId: location,
        createdAt: when,
      });
      if (daysAgo < 365) {
        const lot = {
          id: seededId('lot', ++seq.lot),
          customerId: id,
          entryId,
          points,
          remaining: points,
          earnedAt: when,
          expiresAt: new Date(when.getTime() + 365 * DAY),
        };
        plan.pointLots.push(lot);
        lots.push(lot);
      } else {
        // earned more than a year ago: it lapsed, and the ledger says so
        plan.pointEntries.push({
          id: seededId('pte', ++seq.entry),
          customerId: id,
          kind: 'expire',
          points: -points,
          reference: `expire-${entryId}`,
          createdAt: new Date(when.getTime() + 365 * DAY),
        });
      }
    }
    // Some members spent points at the till, oldest lots first.
    const total = lots.reduce((s, l) => s + l.remaining, 0);
    if (total >= 300 && rng.chance(0.35)) {
      let want = Math.floor(rng.int(100, total) / 100) * 100;
      const entryId = seededId('pte', ++seq.entry);
      plan.pointEntries.push({
        id: entryId,
        customerId: id,
        kind: 'redeem',
        points: -want,
        reference: `demo-redeem-${n}`,
        channel: 'store',
        locationId: home,
        createdAt: at(rng.int(1, 30)),
      });
      for (const lot of lots) {
        if (want === 0) break;
        const take = Math.min(lot.remaining, want);
        if (!take) continue;
        lot.remaining -= take;
        want -= take;
        plan.pointAllocations.push({ entryId, lotId: lot.id, points: take });
      }
    }

    // App wallets: topped up by card, spent at the café counter.
    if ((aiko || (online && rng.chance(0.3))) && kind !== 'store') {
      const topUps = aiko ? 3 : rng.int(1, 4);
      let balance = 0;
      for (let t = 0; t < topUps; t++) {
        const amount = rng.pick([3000, 5000, 10000]);
        balance += amount;
        plan.walletEntries.push({
          id: seededId('wle', ++seq.wallet),
          customerId: id,
          kind: 'top_up',
          amount,
          method: 'card',
          reference: `demo-topup-${n}-${t}`,
          channel: 'app',
          createdAt: at(90 - t * 25),
        });
        const pay = Math.min(balance, rng.int(3, 20) * 100 + 80);
        balance -= pay;
        plan.walletEntries.push({
          id: seededId('wle', ++seq.wallet),
          customerId: id,
          kind: 'pay',
          amount: -pay,
          reference: `demo-pay-${n}-${t}`,
          channel: 'app',
          locationId: home,
          createdAt: at(80 - t * 25),
        });
      }
    }

    // Consent: online members chose at sign-up; store-only ones were never asked (so: not given).
    if (online) {
      for (const [channel, purpose, p] of [
        ['email', 'marketing', 0.5],
        ['push', 'marketing', 0.4],
        ['line', 'marketing', 0.25],
        ['email', 'personalisation', 0.6],
        ['push', 'personalisation', 0.5],
      ] as const) {
        if (!(aiko || rng.chance(p))) continue;
        const when = new Date(now - sinceDays * DAY);
        plan.consents.push({ customerId: id, channel, purpose, granted: true, updatedAt: when });
        plan.consentHistory.push({
          customerId: id,
          channel,
          purpose,
          granted: true,
          actor: `customer:${id}`,
          source: 'signup',
          at: when,
        });
      }
    }

    plan.customers.push({
      id,
      memberNumber: makeMemberNumber(n),
      name,
      nameKana,
      searchKey: nameSearchKey(name, nameKana),
      birthday,
      passwordHash: online ? passwordHash : null,
      tier: tierOf(spend12m),
      homeLocationId: home,
      createdAt: new Date(now - sinceDays * DAY),
      updatedAt: new Date(now - sinceDays * DAY),
    });
  }

  // A few anonymous visitors who never signed up: their views wait to be stitched.
  for (let d = 0; d < 40; d++) {
    const device = `demo-anon-${d}`;
    for (const product of rng.some(browsable, rng.int(1, 5)))
      addEvent(null, device, 'product_viewed', rng.chance(0.5) ? 'web' : 'app', at(rng.low(0, 14)), {
        productId: product.id,
        variantId: rng.pick(product.variants).id,
      });
  }
  return plan;
}
