import type { PgInsertValue } from 'drizzle-orm/pg-core';
import { seededId } from '../platform/ids.ts';
import { coupons, promotions } from '../modules/promotions/schema.ts';
import { campaigns, segments } from '../modules/engagement/schema.ts';
import { SHIBUYA_STORE_ID, SHOWCASE } from './showcase.ts';
import { DEMO_APP_COUPON_ID, DEMO_COUPON_PROMOTION_ID, DEMO_RECEIPT_COUPON_ID } from './history.ts';

/** 佐藤 由衣, head office's marketer (staff.ts: the second chain-wide account). */
const YUI = seededId('stf', 2);
/** トップス (catalog.ts). */
const TOPS = seededId('cat', 2);

export const RAIN_PROMOTION_ID = seededId('prm', 1);
export const RAIN_COUPON_ID = seededId('cpn', 1);
export const NEAR_SHIBUYA_SEGMENT_ID = seededId('seg', 1);

/**
 * What head office's marketer finds on her first visit: the rainy-day coupon of the scenarios (20 % off the
 * folding umbrella, single-use codes issued to members), three segments she would keep, and a draft campaign
 * to the members near Shibuya with the coupon — ready to preview and send — a 誕生日 trigger campaign as a draft,
 * and one always-on 再入荷 trigger, switched on, that answers the shop's 入荷したら知らせる.
 */
export function engagementRows() {
  const promotionRows: PgInsertValue<typeof promotions>[] = [
    {
      id: RAIN_PROMOTION_ID,
      name: '雨の日クーポン 晴雨兼用折りたたみ傘',
      description: 'お一人様1回限り。店舗でもオンラインでも使えます。',
      kind: 'percent_off',
      params: { percent: 20 },
      target: { type: 'products', ids: [SHOWCASE.umbrella.productId] },
      conditions: { channels: [], locationIds: [], tiers: [], firstPurchaseOnly: false, minSpend: 0 },
      requiresCoupon: true,
      createdBy: YUI,
    },
    {
      id: DEMO_COUPON_PROMOTION_ID,
      name: 'ご愛顧クーポン 10%オフ',
      description: 'お会計の商品1点が10%オフ。アプリとレシートで配布。',
      kind: 'percent_off',
      params: { percent: 10 },
      target: { type: 'all', ids: [] },
      conditions: { channels: [], locationIds: [], tiers: [], firstPurchaseOnly: false, minSpend: 0 },
      requiresCoupon: true,
      active: false,
      createdBy: YUI,
    },
  ];
  const couponRows: PgInsertValue<typeof coupons>[] = [
    {
      id: DEMO_APP_COUPON_ID,
      code: null,
      promotionId: DEMO_COUPON_PROMOTION_ID,
      kind: 'single_use',
      issuedChannel: 'app',
      campaign: 'ご愛顧',
    },
    {
      id: DEMO_RECEIPT_COUPON_ID,
      code: null,
      promotionId: DEMO_COUPON_PROMOTION_ID,
      kind: 'single_use',
      issuedChannel: 'store',
      campaign: 'ご愛顧',
    },
    {
      id: RAIN_COUPON_ID,
      code: null,
      promotionId: RAIN_PROMOTION_ID,
      kind: 'single_use',
      issuedChannel: 'app',
      campaign: '雨の日',
    },
  ];
  const segmentRows: PgInsertValue<typeof segments>[] = [
    {
      id: NEAR_SHIBUYA_SEGMENT_ID,
      name: '渋谷店から2km以内の会員',
      description: '渋谷店の近くに住む会員。来店を促すお知らせに。',
      rules: { match: 'all', conditions: [{ field: 'near_store', locationId: SHIBUYA_STORE_ID, km: 2 }] },
      createdBy: YUI,
    },
    {
      id: seededId('seg', 2),
      name: '優良・離反懸念の会員 (RFM)',
      description: '直近1年の購買で優良または離反懸念のグループ。',
      rules: { match: 'all', conditions: [{ field: 'rfm_group', in: ['champions', 'at_risk'] }] },
      createdBy: YUI,
    },
    {
      id: seededId('seg', 3),
      name: 'トップスを見たが買っていない (30日)',
      description: 'オンラインでトップスを見たりカートに入れたりしたが、購入していない会員。',
      rules: {
        match: 'all',
        conditions: [{ field: 'viewed_not_bought', products: { categoryIds: [TOPS], days: 30 } }],
      },
      createdBy: YUI,
    },
  ];
  const campaignRows: PgInsertValue<typeof campaigns>[] = [
    {
      id: seededId('cmp', 1),
      name: '雨の日 渋谷店',
      segmentId: NEAR_SHIBUYA_SEGMENT_ID,
      title: '雨の日は傘が20%オフ',
      body: '渋谷店・原宿店で晴雨兼用折りたたみ傘が20%オフ。クーポンはアプリの「クーポン」にあります。',
      link: null,
      holdoutPercent: 10,
      windowDays: 7,
      offerCouponId: RAIN_COUPON_ID,
      createdBy: YUI,
    },
    {
      // A trigger campaign left as a draft: switched on (配信を開始) by her, never by the seed.
      id: seededId('cmp', 2),
      name: 'お誕生日のお祝い',
      kind: 'trigger',
      trigger: { kind: 'birthday', daysBefore: 0, cooldownDays: 30 },
      title: '{{name}}様、お誕生日おめでとうございます',
      body: 'いつもご利用いただきありがとうございます。{{name}}様にとって素敵な一年になりますように。ご来店を心よりお待ちしております。',
      link: '/shop',
      holdoutPercent: 10,
      windowDays: 14,
      createdBy: YUI,
    },
    {
      id: seededId('cmp', 3),
      name: '再入荷のお知らせ',
      kind: 'trigger',
      trigger: { kind: 'back_in_stock', factor: 2, cooldownDays: 1 },
      title: '{{product}}が{{store}}に入荷しました',
      body: 'お待たせしました。{{store}}に{{units}}点入荷しました。売り切れる前にどうぞ。',
      link: null,
      holdoutPercent: 0,
      windowDays: 7,
      status: 'active',
      activatedAt: new Date('2026-11-01T00:00:00Z'),
      createdBy: YUI,
    },
  ];
  return { promotions: promotionRows, coupons: couponRows, segments: segmentRows, campaigns: campaignRows };
}
