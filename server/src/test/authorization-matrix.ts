import { createHmac } from 'node:crypto';
import { TEST_CARDS } from '../modules/payments/service.ts';
import type { Fixture, Who } from './authorization-fixture.ts';
import { testBrowser } from './partners.ts';
import { monochromePng } from './png.ts';

/** A picture any allowed principal may add to the fixture's product. */
const tinyPng = monochromePng(16, 16).toString('base64');

/** A browser's push keys (any valid pair will do: the matrix never sends). */
const pushKeys = testBrowser().keys;

/**
 * The authorization matrix: every operation of the OpenAPI document, who may call it, and the request
 * that reaches the service's own checks. authorization-matrix.test.ts calls each row as every principal
 * (authorization-fixture.ts) and fails on a deviation, on an operation without a row, and on a row whose
 * operation is gone. Adding a route means adding its row here.
 *
 * `allow` lists who is let through: an allowed call must not answer 401 or 403 (`also` names another 4xx
 * it may answer, such as a 409 because an earlier principal already did it). Everyone else is refused:
 * 401 when nobody is signed in, 403 otherwise (`hidden` names principals refused with a 404 instead).
 */
export interface Request {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The LINE Messaging API channel secret the matrix's app is given (authorization-matrix.test.ts sets it). */
export const MATRIX_LINE_SECRET = 'matrix-line-channel-secret';
/** A webhook body signed as LINE signs it: the webhook is public, and the signature is its only guard. */
const lineSigned = (body: unknown) => ({
  body,
  headers: {
    'x-line-signature': createHmac('sha256', MATRIX_LINE_SECRET).update(JSON.stringify(body)).digest('base64'),
  },
});

export interface Row {
  op: string;
  allow: readonly Who[];
  request(f: Fixture, at: { who: Who; n: number; x: Record<string, string> }): Request;
  /** Another 4xx an allowed call may answer: why. */
  also?: string;
  hidden?: readonly Who[];
  /** Throwaway objects for a row that would destroy the fixture; the request reads them from `x`. */
  setup?: 'merge' | 'mergeDone' | 'customer' | 'product' | 'storeDrafts';
  /** Each principal calls with a fresh session of its own (logout), or as a fresh member (account deletion). */
  sessions?: 'fresh' | 'freshMembers';
  /** An endless answer (Server-Sent Events): only refusals are called. */
  endless?: boolean;
}

const STAFF = ['staff', 'otherStaff', 'manager', 'otherManager', 'hq', 'owner'] as const;
const EVERYONE = ['anonymous', 'customer', 'otherCustomer', ...STAFF] as const;
const CUSTOMERS = ['customer', 'otherCustomer'] as const;
/** Store roles of the object's store, and head office. */
const AT_STORE = ['staff', 'manager', 'hq', 'owner'] as const;
const MANAGERS_AT_STORE = ['manager', 'hq', 'owner'] as const;
const HEAD_OFFICE = ['hq', 'owner'] as const;
/** Head office and every store manager (for her own stores): segments and campaigns. */
const MARKETERS = ['manager', 'otherManager', 'hq', 'owner'] as const;
const OWNER = ['owner'] as const;
/** A member's cart is hers: anyone else is told it does not exist. */
const NOT_HERS = ['anonymous', 'otherCustomer', ...STAFF] as const;
/** An order is its member's and its store's: anyone else is told it does not exist. */
const STRANGERS = ['anonymous', 'otherCustomer'] as const;
/** A customer's full record: head office, and her store's staff while she is their customer (events/context.ts). */
const IN_CONTEXT = AT_STORE;

const q = (params: Record<string, string | number>) =>
  `?${Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')}`;
const ref = (n: number) => `matrix-${n}-${Date.now().toString(36)}`;
const today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

export const authorizationMatrix: Row[] = [
  // Probes and sign-in
  { op: 'GET /livez', allow: EVERYONE, request: () => ({ url: '/livez' }) },
  { op: 'GET /readyz', allow: EVERYONE, request: () => ({ url: '/readyz' }) },
  { op: 'GET /health', allow: EVERYONE, request: () => ({ url: '/health' }) },
  {
    op: 'POST /api/auth/login',
    allow: EVERYONE,
    request: (f) => ({ url: '/api/auth/login', body: { email: f.emails.hq, password: 'correct horse battery' } }),
  },
  { op: 'GET /api/me', allow: STAFF, request: () => ({ url: '/api/me' }) },
  // Two-factor: each staff member their own; the policy is head office's to read and the owner's to set.
  {
    op: 'POST /api/me/totp',
    allow: STAFF,
    also: '409 when already on',
    sessions: 'fresh',
    request: () => ({ url: '/api/me/totp' }),
  },
  {
    op: 'POST /api/me/totp/confirm',
    allow: STAFF,
    also: '409 nothing pending / 422 wrong code',
    request: () => ({ url: '/api/me/totp/confirm', body: { code: '000000' } }),
  },
  {
    op: 'DELETE /api/me/totp',
    allow: STAFF,
    also: '409 not on / 422 wrong code',
    request: () => ({ url: '/api/me/totp', body: { code: '000000' } }),
  },
  // Her signed-in devices: each staff member her own (ending them all is among the last rows).
  { op: 'GET /api/me/sessions', allow: STAFF, request: () => ({ url: '/api/me/sessions' }) },
  {
    op: 'DELETE /api/me/sessions/{id}',
    allow: STAFF,
    also: '404: no such session of hers',
    request: () => ({ url: '/api/me/sessions/0000000000000000' }),
  },
  { op: 'GET /api/staff/security', allow: HEAD_OFFICE, request: () => ({ url: '/api/staff/security' }) },
  {
    op: 'PUT /api/staff/security',
    allow: OWNER,
    request: () => ({ url: '/api/staff/security', body: { requireTotpFor: [] } }),
  },
  // API tokens for integrations: the owner's, signed in (the fixture's owner is an account, not the bootstrap token).
  { op: 'GET /api/api-tokens', allow: OWNER, request: () => ({ url: '/api/api-tokens' }) },
  {
    op: 'POST /api/api-tokens',
    allow: OWNER,
    request: (_f, { n }) => ({ url: '/api/api-tokens', body: { name: `matrix ${n}`, scopes: ['catalog:read'] } }),
  },
  {
    op: 'DELETE /api/api-tokens/{id}',
    allow: OWNER,
    also: '404: no such token',
    request: () => ({ url: '/api/api-tokens/tok_0000000000000000' }),
  },
  // Staff and locations
  {
    op: 'POST /api/staff',
    // A store manager at her own store (store roles only); head office and the owner anywhere.
    allow: MANAGERS_AT_STORE,
    request: (f, { n }) => ({
      url: '/api/staff',
      body: {
        email: `matrix.new.${n}@example.jp`,
        name: '新人',
        password: 'correct horse battery',
        role: 'staff',
        locationIds: [f.storeA],
      },
    }),
  },
  // A store manager sees the staff of her own stores.
  { op: 'GET /api/staff', allow: ['manager', 'otherManager', ...HEAD_OFFICE], request: () => ({ url: '/api/staff' }) },
  // スタッフ管理: a store manager for the staff of her stores (another store's are not found), head office.
  {
    op: 'PATCH /api/staff/{id}',
    allow: MANAGERS_AT_STORE,
    hidden: ['otherManager'],
    request: (f) => ({ url: `/api/staff/${f.staffIds.staff}`, body: {} }),
  },
  {
    op: 'DELETE /api/staff/{id}/pin',
    allow: MANAGERS_AT_STORE,
    hidden: ['otherManager'],
    request: (f) => ({ url: `/api/staff/${f.staffIds.staff}/pin` }),
  },
  // Her own PIN and password, each staff member (a wrong password here: nothing changes).
  {
    op: 'PUT /api/me/pin',
    allow: STAFF,
    also: '400: the password is not hers',
    request: () => ({ url: '/api/me/pin', body: { pin: '4826', password: 'not the password' } }),
  },
  {
    op: 'PUT /api/me/password',
    allow: STAFF,
    also: '400: the current password is not hers',
    request: () => ({
      url: '/api/me/password',
      body: { currentPassword: 'not the password', newPassword: 'a new password 2026' },
    }),
  },
  // 担当切替 at a till of store A: its staff and head office (the manager has no PIN: 409, nothing switches).
  {
    op: 'GET /api/staff/operators',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/staff/operators${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'POST /api/staff/switch',
    allow: AT_STORE,
    also: '409: the manager has no PIN',
    request: (f) => ({
      url: '/api/staff/switch',
      body: { locationId: f.storeA, staffId: f.staffIds.manager, pin: '4826' },
    }),
  },
  { op: 'GET /api/locations', allow: EVERYONE, request: () => ({ url: '/api/locations' }) },
  { op: 'GET /api/business', allow: EVERYONE, request: () => ({ url: '/api/business' }) },
  {
    op: 'GET /api/checkout/payment-methods',
    allow: EVERYONE,
    request: () => ({ url: '/api/checkout/payment-methods' }),
  },
  {
    op: 'PUT /api/business',
    allow: OWNER,
    request: () => ({
      url: '/api/business',
      body: { name: 'マトリクス商事株式会社', registrationNumber: 'T1180301018771', address: '', phone: '' },
    }),
  },
  {
    op: 'GET /api/business/logo.png',
    allow: EVERYONE,
    also: '404 until a logo is set',
    request: () => ({ url: '/api/business/logo.png' }),
  },
  {
    op: 'PUT /api/business/logo',
    allow: OWNER,
    request: () => ({ url: '/api/business/logo', body: { png: null } }),
  },
  // A store's receipt printer: its staff read it, its manager and head office set it (switched off here, so
  // the print row below never reaches the network).
  {
    op: 'GET /api/locations/{id}/receipt-printer',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/receipt-printer` }),
  },
  {
    op: 'PUT /api/locations/{id}/receipt-printer',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({
      url: `/api/locations/${f.storeA}/receipt-printer`,
      body: { host: '192.0.2.1', port: 9100, enabled: false },
    }),
  },
  {
    op: 'POST /api/locations',
    allow: HEAD_OFFICE,
    request: (_f, { n }) => ({
      url: '/api/locations',
      body: {
        code: `MX${n}`,
        name: `マトリクス店 ${n}`,
        kind: 'store',
        prefecture: '東京都',
        city: '渋谷区',
        address: '神南1-1-1',
        lat: 35.66,
        lng: 139.7,
        openingHours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
        services: { pickup: true, orderAhead: false, deliveryRadiusKm: null, shipping: false },
      },
    }),
  },
  { op: 'GET /api/locations/{id}', allow: EVERYONE, request: (f) => ({ url: `/api/locations/${f.storeA}` }) },
  // 店舗設定: head office changes any store; a store manager her own store's running (hours, services, phone).
  {
    op: 'PATCH /api/locations/{id}',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}`, body: { phone: '03-3333-4444' } }),
  },
  // 店舗イベント on the store page: anyone reads them; the store's manager and head office keep them.
  {
    op: 'GET /api/locations/{id}/events',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/events` }),
  },
  {
    op: 'POST /api/locations/{id}/events',
    allow: MANAGERS_AT_STORE,
    request: (f, { n }) => ({
      url: `/api/locations/${f.storeA}/events`,
      body: {
        title: `マトリクス催し ${n}`,
        startsAt: new Date(Date.now() + 3600_000).toISOString(),
        endsAt: new Date(Date.now() + 7200_000).toISOString(),
      },
    }),
  },
  {
    op: 'PATCH /api/locations/{id}/events/{eventId}',
    allow: MANAGERS_AT_STORE,
    also: '404: the event is the fixture’s own id only for allowed callers',
    request: (f) => ({ url: `/api/locations/${f.storeA}/events/sev_matrix`, body: { title: '変更' } }),
  },
  {
    op: 'DELETE /api/locations/{id}/events/{eventId}',
    allow: MANAGERS_AT_STORE,
    also: '404: there is no such event',
    request: (f) => ({ url: `/api/locations/${f.storeA}/events/sev_matrix` }),
  },
  // 「テスト印刷」: store B has no printer, so an allowed call is told so and nothing leaves loopback.
  {
    op: 'POST /api/locations/{id}/receipt-printer/test',
    allow: ['otherManager', ...HEAD_OFFICE],
    also: '409: store B has no receipt printer',
    request: (f) => ({ url: `/api/locations/${f.storeB}/receipt-printer/test` }),
  },
  // Catalog
  {
    op: 'POST /api/imports',
    allow: HEAD_OFFICE,
    request: () => ({
      url: '/api/imports',
      body: {
        kind: 'prices',
        fileName: 'prices.csv',
        content: Buffer.from('SKU,価格(税込)\nMATRIX-NONE,100\n').toString('base64'),
      },
    }),
  },
  { op: 'GET /api/imports', allow: HEAD_OFFICE, request: () => ({ url: '/api/imports' }) },
  {
    op: 'GET /api/imports/{id}',
    allow: HEAD_OFFICE,
    also: 'no such import: 404',
    request: () => ({ url: '/api/imports/imp_none' }),
  },
  {
    op: 'POST /api/imports/{id}/run',
    allow: HEAD_OFFICE,
    also: 'no such import: 404',
    request: () => ({ url: '/api/imports/imp_none/run' }),
  },
  { op: 'GET /api/products', allow: EVERYONE, request: () => ({ url: '/api/products?q=テスト' }) },
  {
    op: 'POST /api/products',
    allow: HEAD_OFFICE,
    request: (_f, { n }) => ({
      url: '/api/products',
      body: {
        name: `マトリクス ${n}`,
        taxRate: 10,
        variants: [{ sku: `MX-${n}-${Date.now()}`, jan: janOf(n), price: 1100 }],
      },
    }),
  },
  { op: 'GET /api/products/{id}', allow: EVERYONE, request: (f) => ({ url: `/api/products/${f.productId}` }) },
  {
    op: 'PATCH /api/products/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/products/${f.productId}`, body: { description: '説明' } }),
  },
  {
    op: 'POST /api/products/{id}/archive',
    allow: HEAD_OFFICE,
    setup: 'product',
    request: (f, { x }) => ({ url: `/api/products/${x.productId}/archive` }),
  },
  {
    op: 'POST /api/products/{id}/variants',
    allow: HEAD_OFFICE,
    request: (f, { n }) => ({
      url: `/api/products/${f.productId}/variants`,
      body: { sku: `MXV-${n}-${Date.now()}`, jan: janOf(n + 500), price: 1100 },
    }),
  },
  {
    op: 'PATCH /api/variants/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/variants/${f.variantId}`, body: { price: 1100 } }),
  },
  // Product pictures: head office changes them; everyone sees them (docs/images.md).
  {
    op: 'POST /api/products/{id}/images',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/products/${f.productId}/images`, body: { content: tinyPng, alt: 'マトリクス' } }),
  },
  {
    op: 'GET /api/products/{id}/images',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/products/${f.productId}/images` }),
  },
  {
    op: 'PUT /api/products/{id}/images/order',
    allow: HEAD_OFFICE,
    also: 'the pictures added meanwhile are not all listed: 422',
    request: (f) => ({ url: `/api/products/${f.productId}/images/order`, body: { ids: [] } }),
  },
  {
    op: 'PATCH /api/product-images/{id}',
    allow: HEAD_OFFICE,
    also: 'no such picture: 404',
    request: () => ({ url: '/api/product-images/img_none', body: { alt: '説明' } }),
  },
  {
    op: 'DELETE /api/product-images/{id}',
    allow: HEAD_OFFICE,
    also: 'no such picture: 404',
    request: () => ({ url: '/api/product-images/img_none' }),
  },
  {
    op: 'GET /media/{name}',
    allow: EVERYONE,
    also: 'no such file: 404',
    request: () => ({ url: '/media/none-200.webp' }),
  },
  { op: 'GET /api/barcodes/{jan}', allow: EVERYONE, request: (f) => ({ url: `/api/barcodes/${f.jan}` }) },
  { op: 'GET /api/categories', allow: EVERYONE, request: () => ({ url: '/api/categories' }) },
  {
    op: 'POST /api/categories',
    allow: HEAD_OFFICE,
    request: (_f, { n }) => ({ url: '/api/categories', body: { name: `分類 ${n}` } }),
  },
  {
    op: 'PATCH /api/categories/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/categories/${f.categoryId}`, body: { sort: 5 } }),
  },
  // The shop's browsing (storefront)
  {
    op: 'GET /api/shop/products',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/shop/products${q({ stock: 'store', store: f.storeA, sort: 'popular' })}` }),
  },
  {
    op: 'GET /api/shop/suggestions',
    allow: EVERYONE,
    request: () => ({ url: `/api/shop/suggestions${q({ q: 'ラテ' })}` }),
  },
  { op: 'GET /api/shop/home', allow: EVERYONE, request: (f) => ({ url: `/api/shop/home${q({ store: f.storeA })}` }) },
  { op: 'GET /api/collections', allow: EVERYONE, request: () => ({ url: '/api/collections' }) },
  {
    op: 'POST /api/collections',
    allow: HEAD_OFFICE,
    request: (f, { n }) => ({
      url: '/api/collections',
      body: { name: `特集 ${n}`, kind: 'manual', productIds: [f.productId] },
    }),
  },
  {
    op: 'PATCH /api/collections/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/collections/${f.collectionId}`, body: { description: '説明' } }),
  },
  {
    op: 'DELETE /api/collections/{id}',
    allow: HEAD_OFFICE,
    also: 'a collection already removed by an earlier principal is 404',
    request: (f) => ({ url: `/api/collections/${f.collectionId}-gone` }),
  },
  // Inventory
  {
    op: 'POST /api/stock-movements',
    allow: AT_STORE,
    request: (f) => ({
      url: '/api/stock-movements',
      body: { variantId: f.variantId, locationId: f.storeA, kind: 'receipt', quantity: 1 },
    }),
  },
  {
    op: 'PUT /api/stock-levels/reorder-point',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({
      url: '/api/stock-levels/reorder-point',
      body: { variantId: f.variantId, locationId: f.storeA, reorderPoint: 5 },
    }),
  },
  {
    op: 'GET /api/stock-movements',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/stock-movements${q({ locationId: f.storeA })}` }),
  },
  // Exports of a store's stock and ledger: its staff and head office.
  {
    op: 'GET /api/stock-movements.csv',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/stock-movements.csv${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'GET /api/stock-levels.csv',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/stock-levels.csv${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'GET /api/transfers',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/transfers${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'POST /api/transfers/{id}/receive',
    allow: AT_STORE,
    also: '409 once received',
    request: (f) => ({ url: `/api/transfers/${f.transferId}/receive` }),
  },
  {
    op: 'POST /api/reservations',
    allow: AT_STORE,
    request: (f) => ({
      url: '/api/reservations',
      body: { lines: [{ variantId: f.variantId, locationId: f.storeA, quantity: 1 }], reason: 'hold', ttlSeconds: 600 },
    }),
  },
  {
    op: 'GET /api/stock-reconciliations',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/stock-reconciliations${q({ locationId: f.storeA, open: 'true' })}` }),
  },
  {
    op: 'POST /api/stock-reconciliations/{id}/resolve',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/stock-reconciliations/${f.reconciliationId}/resolve` }),
  },
  {
    op: 'GET /api/reservations',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/reservations${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'GET /api/reservations/{id}',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/reservations/${f.reservationId}` }),
  },
  {
    op: 'POST /api/reservations/{id}/extend',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/reservations/${f.reservationId}/extend`, body: { ttlSeconds: 600 } }),
  },
  {
    op: 'POST /api/reservations/{id}/commit',
    allow: AT_STORE,
    also: '409 once committed',
    request: (f) => ({ url: `/api/reservations/${f.reservationId}/commit` }),
  },
  {
    op: 'POST /api/reservations/{id}/release',
    allow: AT_STORE,
    also: '409: committed above',
    request: (f) => ({ url: `/api/reservations/${f.reservationId}/release` }),
  },
  {
    op: 'GET /api/availability',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/availability${q({ variantId: f.variantId })}` }),
  },
  {
    op: 'GET /api/products/{id}/recommendations',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/products/${f.productId}/recommendations` }),
  },
  {
    op: 'GET /api/products/{id}/availability',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/products/${f.productId}/availability` }),
  },
  { op: 'GET /api/locations/{id}/stock', allow: STAFF, request: (f) => ({ url: `/api/locations/${f.storeA}/stock` }) },
  // Members sign in
  {
    op: 'POST /api/customer-auth/register',
    allow: EVERYONE,
    request: (_f, { n }) => ({
      url: '/api/customer-auth/register',
      body: {
        email: `matrix.member.${n}.${Date.now().toString(36)}@example.jp`,
        password: 'sakura-password-2026',
        name: '鈴木 花子',
      },
    }),
  },
  {
    op: 'POST /api/customer-auth/login',
    allow: EVERYONE,
    request: (f) => ({
      url: '/api/customer-auth/login',
      body: { email: f.customerB.email, password: 'sakura-password-2026' },
    }),
  },
  {
    op: 'POST /api/customer-auth/password-reset',
    allow: EVERYONE,
    // Same answer for any address; a fresh one per call stays under the per-account throttle.
    request: (_f, { n }) => ({
      url: '/api/customer-auth/password-reset',
      body: { email: `matrix.reset.${n}@example.jp` },
    }),
  },
  {
    op: 'POST /api/customer-auth/password-reset/confirm',
    allow: EVERYONE,
    also: 'a wrong code',
    request: (f) => ({
      url: '/api/customer-auth/password-reset/confirm',
      body: { email: `nobody.${Date.now()}@example.jp`, code: '000000', password: 'sakura-password-2027' },
    }),
  },
  // Her account
  { op: 'GET /api/account', allow: CUSTOMERS, request: () => ({ url: '/api/account' }) },
  {
    op: 'PUT /api/account/home-store',
    allow: CUSTOMERS,
    request: (f) => ({ url: '/api/account/home-store', body: { locationId: f.storeA } }),
  },
  {
    op: 'PATCH /api/account',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account', body: { nameKana: 'やまだ はなこ' } }),
  },
  { op: 'GET /api/account/pin', allow: CUSTOMERS, request: () => ({ url: '/api/account/pin' }) },
  { op: 'PUT /api/account/pin', allow: CUSTOMERS, request: () => ({ url: '/api/account/pin', body: { pin: '2468' } }) },
  { op: 'DELETE /api/account/pin', allow: CUSTOMERS, request: () => ({ url: '/api/account/pin' }) },
  { op: 'GET /api/account/consents', allow: CUSTOMERS, request: () => ({ url: '/api/account/consents' }) },
  {
    op: 'POST /api/account/position',
    allow: CUSTOMERS,
    also: '429 from the second report of a session within 30 s',
    request: (f) => ({ url: '/api/account/position', body: { lat: 35.6618, lng: 139.7041 } }),
  },
  {
    op: 'PUT /api/account/consents',
    allow: CUSTOMERS,
    request: () => ({
      url: '/api/account/consents',
      body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }] },
    }),
  },
  { op: 'POST /api/account/export', allow: CUSTOMERS, request: () => ({ url: '/api/account/export' }) },
  { op: 'POST /api/account/export.zip', allow: CUSTOMERS, request: () => ({ url: '/api/account/export.zip' }) },
  { op: 'GET /api/account/loyalty', allow: CUSTOMERS, request: () => ({ url: '/api/account/loyalty' }) },
  { op: 'GET /api/account/wallet', allow: CUSTOMERS, request: () => ({ url: '/api/account/wallet' }) },
  { op: 'GET /api/account/coupons', allow: CUSTOMERS, request: () => ({ url: '/api/account/coupons' }) },
  { op: 'GET /api/account/timeline', allow: CUSTOMERS, request: () => ({ url: '/api/account/timeline' }) },
  { op: 'GET /api/account/member-code', allow: CUSTOMERS, request: () => ({ url: '/api/account/member-code' }) },
  { op: 'GET /api/account/cart', allow: CUSTOMERS, request: () => ({ url: '/api/account/cart' }) },
  { op: 'GET /api/account/orders', allow: CUSTOMERS, request: () => ({ url: '/api/account/orders' }) },
  { op: 'GET /api/account/addresses', allow: CUSTOMERS, request: () => ({ url: '/api/account/addresses' }) },
  {
    op: 'POST /api/account/addresses',
    allow: CUSTOMERS,
    request: () => ({
      url: '/api/account/addresses',
      body: {
        postalCode: '150-0041',
        prefecture: '東京都',
        city: '渋谷区',
        line1: '神南1-2-3',
        name: '山田 花子',
        phone: '090-0000-0000',
      },
    }),
  },
  {
    op: 'PUT /api/account/addresses/{id}',
    allow: CUSTOMERS,
    also: '404: no such address of hers',
    request: () => ({
      url: '/api/account/addresses/adr_matrix',
      body: {
        postalCode: '150-0041',
        prefecture: '東京都',
        city: '渋谷区',
        line1: '神南1-2-3',
        name: '山田 花子',
        phone: '090-0000-0000',
      },
    }),
  },
  {
    op: 'DELETE /api/account/addresses/{id}',
    allow: CUSTOMERS,
    also: '404: no such address of hers',
    request: () => ({ url: '/api/account/addresses/adr_matrix' }),
  },
  {
    op: 'GET /api/account/orders/{id}',
    allow: ['customer'],
    hidden: ['otherCustomer'],
    request: (f) => ({ url: `/api/account/orders/${f.order.id}` }),
  },
  {
    op: 'POST /api/account/orders/{id}/reorder',
    allow: ['customer'],
    hidden: ['otherCustomer'],
    request: (f) => ({ url: `/api/account/orders/${f.order.id}/reorder` }),
  },
  {
    op: 'GET /api/account/recommendations',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account/recommendations' }),
  },
  { op: 'GET /api/account/notifications', allow: CUSTOMERS, request: () => ({ url: '/api/account/notifications' }) },
  { op: 'GET /api/account/sessions', allow: CUSTOMERS, request: () => ({ url: '/api/account/sessions' }) },
  {
    op: 'DELETE /api/account/sessions/{id}',
    allow: CUSTOMERS,
    also: '404: no such session of hers',
    request: () => ({ url: '/api/account/sessions/0000000000000000' }),
  },
  {
    op: 'POST /api/account/notifications/{id}/read',
    allow: CUSTOMERS,
    also: '404: no such notification of hers',
    request: () => ({ url: '/api/account/notifications/ntf_matrix/read' }),
  },
  {
    op: 'GET /api/account/notifications/unread',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account/notifications/unread' }),
  },
  {
    op: 'POST /api/account/notifications/read-all',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account/notifications/read-all' }),
  },
  // 入荷したら知らせる: a member's own wishes.
  {
    op: 'GET /api/account/restock-wishes',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/restock-wishes?variantId=${f.variantId}` }),
  },
  {
    op: 'POST /api/account/restock-wishes',
    allow: CUSTOMERS,
    also: '409: the store has it in stock now',
    request: (f) => ({ url: '/api/account/restock-wishes', body: { variantId: f.variantId, locationId: f.storeB } }),
  },
  {
    op: 'DELETE /api/account/restock-wishes/{id}',
    allow: CUSTOMERS,
    also: '404: no waiting wish of hers',
    request: () => ({ url: '/api/account/restock-wishes/rsw_none' }),
  },
  // お気に入り: a member's own; another member's are never reached (the service keys them by her).
  {
    op: 'GET /api/account/favourites',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/favourites?locationId=${f.storeA}` }),
  },
  {
    op: 'PUT /api/account/favourites/{productId}',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/favourites/${f.productId}` }),
  },
  {
    op: 'DELETE /api/account/favourites/{productId}',
    allow: CUSTOMERS,
    also: '404: not among her favourites',
    request: () => ({ url: '/api/account/favourites/prd_none' }),
  },
  {
    op: 'POST /api/account/favourites/join',
    allow: CUSTOMERS,
    request: (f) => ({ url: '/api/account/favourites/join', body: { productIds: [f.productId] } }),
  },
  // スキャン＆ゴー: a store's settings (public to read, its manager or head office to set), her own basket and
  // pass, the door's check by the store's staff.
  {
    op: 'GET /api/locations/{id}/scan-and-go',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/scan-and-go` }),
  },
  {
    op: 'PUT /api/locations/{id}/scan-and-go',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/scan-and-go`, body: { enabled: true } }),
  },
  {
    op: 'GET /api/account/scan-and-go/{locationId}',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/scan-and-go/${f.storeA}` }),
  },
  {
    op: 'POST /api/account/scan-and-go/{locationId}/lines',
    allow: CUSTOMERS,
    also: '409: switched off at the store, or the item not stocked there',
    request: (f) => ({ url: `/api/account/scan-and-go/${f.storeA}/lines`, body: { variantId: f.variantId } }),
  },
  {
    op: 'DELETE /api/account/scan-and-go/{locationId}/lines/{variantId}',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/scan-and-go/${f.storeA}/lines/${f.variantId}` }),
  },
  {
    op: 'POST /api/account/scan-and-go/baskets/{basketId}/pay',
    allow: CUSTOMERS,
    also: '404: not her basket',
    request: () => ({ url: '/api/account/scan-and-go/baskets/sgb_none/pay', body: { method: 'wallet' } }),
  },
  {
    op: 'GET /api/account/scan-and-go-passes/{orderId}',
    allow: CUSTOMERS,
    also: '404: no pass of hers',
    request: (f) => ({ url: `/api/account/scan-and-go-passes/${f.order.id}` }),
  },
  {
    op: 'POST /api/scan-and-go/exit-passes/verify',
    allow: AT_STORE,
    also: '400: not a valid pass',
    request: (f) => ({
      url: '/api/scan-and-go/exit-passes/verify',
      body: { locationId: f.storeA, code: 'G1.ord_none.1.AAAAAAAAAAAAAAAAAAAAAA' },
    }),
  },
  // レビュー: the product page's are public; writing needs a purchase; moderating is head office's.
  // 来店予約 (appointments): the menu and slots are public; bookings are hers; the day, the store's; setup, its manager's.
  {
    op: 'GET /api/locations/{id}/appointment-services',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/appointment-services` }),
  },
  {
    op: 'GET /api/appointment-services/{id}/slots',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/appointment-services/${f.appointmentServiceId}/slots?date=${f.appointmentDate}` }),
  },
  { op: 'GET /api/account/appointments', allow: CUSTOMERS, request: () => ({ url: '/api/account/appointments' }) },
  {
    op: 'GET /api/account/appointments/{id}',
    allow: ['customer'],
    hidden: ['otherCustomer'],
    request: (f) => ({ url: `/api/account/appointments/${f.appointmentId}` }),
  },
  {
    op: 'POST /api/account/appointments',
    allow: CUSTOMERS,
    also: '409: she booked it already (an earlier call)',
    request: (f) => ({
      url: '/api/account/appointments',
      body: { serviceId: f.appointmentServiceId, startsAt: `${f.appointmentDate}T12:00:00+09:00` },
    }),
  },
  {
    op: 'POST /api/account/appointments/{id}/cancel',
    allow: CUSTOMERS,
    also: '404: no such appointment of hers',
    request: () => ({ url: '/api/account/appointments/apt_none/cancel' }),
  },
  {
    op: 'POST /api/account/appointments/{id}/rebook',
    allow: CUSTOMERS,
    also: '404: no such appointment of hers',
    request: (f) => ({
      url: '/api/account/appointments/apt_none/rebook',
      body: { serviceId: f.appointmentServiceId, startsAt: `${f.appointmentDate}T13:00:00+09:00` },
    }),
  },
  {
    op: 'GET /api/locations/{id}/appointments',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/appointments?date=${f.appointmentDate}` }),
  },
  {
    op: 'POST /api/appointments/{id}/status',
    allow: AT_STORE,
    also: '409: checked in already by an earlier principal',
    request: (f) => ({ url: `/api/appointments/${f.appointmentId}/status`, body: { action: 'check_in' } }),
  },
  {
    op: 'GET /api/appointment-services',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/appointment-services?locationId=${f.storeA}` }),
  },
  {
    op: 'POST /api/appointment-services',
    allow: MANAGERS_AT_STORE,
    request: (f, { n }) => ({
      url: '/api/appointment-services',
      body: { locationId: f.storeA, nameJa: `マトリクス相談 ${n}`, durationMinutes: 30, staffIds: [] },
    }),
  },
  {
    op: 'PATCH /api/appointment-services/{id}',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/appointment-services/${f.appointmentServiceId}`, body: { sortOrder: 1 } }),
  },
  {
    op: 'GET /api/locations/{id}/staff-schedules',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/staff-schedules` }),
  },
  {
    op: 'PUT /api/locations/{id}/staff-schedules/{staffId}',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/staff-schedules/${f.staffIds.staff}`, body: { shifts: [] } }),
  },
  {
    op: 'POST /api/staff-time-blocks',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({
      url: '/api/staff-time-blocks',
      body: {
        locationId: f.storeA,
        staffId: f.staffIds.staff,
        startsAt: new Date(Date.now() + 60 * 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 60 * 86_400_000 + 3600_000).toISOString(),
        reason: '研修',
      },
    }),
  },
  {
    op: 'DELETE /api/staff-time-blocks/{id}',
    allow: MANAGERS_AT_STORE,
    also: '404: no such block',
    // Another store's manager may manage blocks, but not this one: told it does not exist.
    hidden: ['otherManager'],
    request: () => ({ url: '/api/staff-time-blocks/stb_none' }),
  },
  {
    op: 'GET /api/products/{id}/reviews',
    allow: EVERYONE,
    request: (f) => ({ url: `/api/products/${f.productId}/reviews` }),
  },
  {
    op: 'GET /api/review-photos/{id}',
    allow: EVERYONE,
    also: '404: no such photo',
    request: () => ({ url: '/api/review-photos/rph_none' }),
  },
  { op: 'GET /api/account/reviews', allow: CUSTOMERS, request: () => ({ url: '/api/account/reviews' }) },
  {
    op: 'GET /api/account/reviews/{id}',
    allow: CUSTOMERS,
    also: '404: not hers',
    request: (f) => ({ url: `/api/account/reviews/${f.reviewId}` }),
  },
  {
    op: 'GET /api/account/product-reviews/{productId}',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/product-reviews/${f.productId}` }),
  },
  {
    // Only a buyer: the other member has not bought it (403 reviews.not_purchased).
    op: 'POST /api/account/reviews',
    allow: ['customer'],
    also: '409: she reviewed it already',
    request: (f) => ({
      url: '/api/account/reviews',
      body: { productId: f.productId, rating: 5, title: '再び', body: '再び' },
    }),
  },
  {
    op: 'PATCH /api/account/reviews/{id}',
    allow: CUSTOMERS,
    also: '404: not hers',
    request: (f) => ({ url: `/api/account/reviews/${f.reviewId}`, body: { rating: 5 } }),
  },
  {
    op: 'DELETE /api/account/reviews/{id}',
    allow: CUSTOMERS,
    also: '404: no such review of hers',
    request: () => ({ url: '/api/account/reviews/rev_none' }),
  },
  {
    op: 'POST /api/account/reviews/{id}/photos',
    allow: CUSTOMERS,
    also: '404: not hers / 422: not an image',
    request: (f) => ({ url: `/api/account/reviews/${f.reviewId}/photos`, body: { data: 'AAAA' } }),
  },
  {
    op: 'DELETE /api/account/reviews/{id}/photos/{photoId}',
    allow: CUSTOMERS,
    also: '404: no such photo of hers',
    request: (f) => ({ url: `/api/account/reviews/${f.reviewId}/photos/rph_none` }),
  },
  {
    op: 'PUT /api/account/review-votes/{id}',
    allow: CUSTOMERS,
    also: '409: her own review',
    request: (f) => ({ url: `/api/account/review-votes/${f.reviewId}` }),
  },
  {
    op: 'DELETE /api/account/review-votes/{id}',
    allow: CUSTOMERS,
    request: (f) => ({ url: `/api/account/review-votes/${f.reviewId}` }),
  },
  {
    op: 'PUT /api/account/review-reports/{id}',
    allow: CUSTOMERS,
    also: '409: her own review',
    request: (f) => ({
      url: `/api/account/review-reports/${f.reviewId}`,
      body: { reason: 'unrelated', note: '別の商品のことです' },
    }),
  },
  { op: 'GET /api/reviews', allow: HEAD_OFFICE, request: () => ({ url: '/api/reviews?sort=reported' }) },
  {
    op: 'PUT /api/reviews/{id}/reply',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/reviews/${f.reviewId}/reply`, body: { body: 'ありがとうございます' } }),
  },
  {
    op: 'POST /api/reviews/{id}/hide',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/reviews/${f.reviewId}/hide`, body: { reason: 'マトリクス' } }),
  },
  {
    op: 'POST /api/reviews/{id}/unhide',
    allow: HEAD_OFFICE,
    also: '409: shown again already',
    request: (f) => ({ url: `/api/reviews/${f.reviewId}/unhide` }),
  },
  // Web Push: the key is public; a browser's subscription is its member's.
  { op: 'GET /api/push/public-key', allow: EVERYONE, request: () => ({ url: '/api/push/public-key' }) },
  {
    op: 'POST /api/account/push-subscriptions',
    allow: CUSTOMERS,
    request: (_f, { n }) => ({
      url: '/api/account/push-subscriptions',
      body: { endpoint: `https://push.example.com/matrix-${n}`, keys: pushKeys },
    }),
  },
  {
    op: 'DELETE /api/account/push-subscriptions',
    allow: CUSTOMERS,
    also: '404: this browser is not hers (or not subscribed)',
    request: () => ({ url: '/api/account/push-subscriptions', body: { endpoint: 'https://push.example.com/none' } }),
  },
  // A marketing message's links: no session; the signed token is the only proof (a made-up one is a 400).
  {
    op: 'GET /api/r',
    allow: EVERYONE,
    also: '400: a token we did not sign',
    request: () => ({ url: '/api/r?t=matrix.token' }),
  },
  {
    op: 'GET /api/unsubscribe',
    allow: EVERYONE,
    also: '400: a token we did not sign',
    request: () => ({ url: '/api/unsubscribe?t=matrix.token' }),
  },
  {
    op: 'POST /api/unsubscribe',
    allow: EVERYONE,
    also: '400: a token we did not sign',
    request: () => ({ url: '/api/unsubscribe?t=matrix.token' }),
  },
  // Linking LINE (LINE Login): her own session only.
  { op: 'GET /api/account/line', allow: CUSTOMERS, request: () => ({ url: '/api/account/line' }) },
  {
    op: 'POST /api/account/line/authorize',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account/line/authorize', body: { marketing: false } }),
  },
  {
    op: 'POST /api/account/line/link',
    allow: CUSTOMERS,
    also: '400: a state we did not sign',
    request: () => ({ url: '/api/account/line/link', body: { code: 'matrix-code', state: 'matrix.state' } }),
  },
  {
    op: 'DELETE /api/account/line',
    allow: CUSTOMERS,
    also: '404: no LINE account linked',
    request: () => ({ url: '/api/account/line' }),
  },
  // The LINE official account's webhook: no session; LINE's signature of the body is the only proof (a
  // missing or wrong one is 401 for everyone: line-chat.test.ts).
  {
    op: 'POST /api/line/webhook',
    allow: EVERYONE,
    request: () => ({ url: '/api/line/webhook', ...lineSigned({ destination: 'Umatrix', events: [] }) }),
  },
  // Customers, as staff see them
  {
    op: 'GET /api/customers',
    allow: STAFF,
    request: (f) => ({ url: `/api/customers${q({ q: f.customerA.memberNumber })}` }),
  },
  // The member list as CSV: head office with contact details, a store manager her stores' members without.
  { op: 'GET /api/customers.csv', allow: MARKETERS, request: () => ({ url: '/api/customers.csv' }) },
  {
    op: 'POST /api/customers',
    // At the clerk's own store only: the registration makes her that store's customer.
    allow: AT_STORE,
    request: (f) => ({ url: '/api/customers', body: { name: '店頭 登録', homeLocationId: f.storeA } }),
  },
  { op: 'GET /api/customers/{id}', allow: IN_CONTEXT, request: (f) => ({ url: `/api/customers/${f.customerA.id}` }) },
  {
    op: 'PATCH /api/customers/{id}',
    allow: IN_CONTEXT,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}`, body: { nameKana: 'やまだ はなこ' } }),
  },
  {
    op: 'GET /api/customers/duplicates',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/customers/duplicates${q({ customerId: f.customerA.id })}` }),
  },
  {
    op: 'POST /api/customers/{id}/merge',
    allow: MANAGERS_AT_STORE,
    also: '409/404 once merged',
    setup: 'merge',
    request: (_f, { x }) => ({
      url: `/api/customers/${x.survivor}/merge`,
      body: { otherId: x.other, reason: '同一人物' },
    }),
  },
  {
    op: 'GET /api/customers/{id}/merges',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/merges` }),
  },
  {
    op: 'POST /api/customer-merges/{id}/undo',
    allow: MANAGERS_AT_STORE,
    also: '409 once undone',
    setup: 'mergeDone',
    request: (_f, { x }) => ({ url: `/api/customer-merges/${x.mergeId}/undo` }),
  },
  // She may read her own consents here too (the same as /api/account/consents).
  {
    op: 'GET /api/customers/{id}/consents',
    allow: ['customer', ...IN_CONTEXT],
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/consents` }),
  },
  {
    op: 'PUT /api/customers/{id}/consents',
    allow: IN_CONTEXT,
    request: (f) => ({
      url: `/api/customers/${f.customerA.id}/consents`,
      body: { items: [{ channel: 'email', purpose: 'marketing', granted: true }], source: 'paper' },
    }),
  },
  {
    op: 'POST /api/customers/{id}/export',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/export` }),
  },
  {
    op: 'POST /api/customers/{id}/export.zip',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/export.zip` }),
  },
  {
    op: 'POST /api/customers/{id}/delete',
    allow: HEAD_OFFICE,
    also: '404 once deleted',
    setup: 'customer',
    request: (_f, { x }) => ({ url: `/api/customers/${x.customerId}/delete`, body: { reason: '本人の依頼' } }),
  },
  {
    op: 'GET /api/customers/{id}/timeline',
    allow: IN_CONTEXT,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/timeline` }),
  },
  {
    op: 'POST /api/customers/{id}/notes',
    // Writing a note discloses nothing (clienteling/notes.ts); reading them needs her in context.
    allow: STAFF,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/notes`, body: { body: 'お好みは浅煎り' } }),
  },
  {
    op: 'GET /api/customers/{id}/notes',
    allow: IN_CONTEXT,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/notes` }),
  },
  // Points and wallet: hand-made value needs a store manager or above, at her store
  {
    op: 'POST /api/loyalty/transactions',
    allow: MANAGERS_AT_STORE,
    request: (f, { n }) => ({
      url: '/api/loyalty/transactions',
      body: {
        customerId: f.customerA.id,
        kind: 'adjust',
        points: 1,
        reason: 'お詫び',
        reference: ref(n),
        locationId: f.storeA,
      },
    }),
  },
  {
    op: 'GET /api/customers/{id}/loyalty',
    allow: IN_CONTEXT,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/loyalty` }),
  },
  { op: 'GET /api/loyalty/rules', allow: STAFF, request: () => ({ url: '/api/loyalty/rules' }) },
  { op: 'PUT /api/loyalty/rules', allow: HEAD_OFFICE, request: () => ({ url: '/api/loyalty/rules', body: {} }) },
  {
    op: 'POST /api/loyalty/campaigns',
    allow: HEAD_OFFICE,
    request: () => ({
      url: '/api/loyalty/campaigns',
      body: { name: '倍デー', multiplier: 2, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' },
    }),
  },
  { op: 'GET /api/loyalty/campaigns', allow: STAFF, request: () => ({ url: '/api/loyalty/campaigns' }) },
  {
    op: 'POST /api/wallet/transactions',
    // Booked with no store: only head office books chain-wide (the loyalty row above covers a manager at her store).
    allow: HEAD_OFFICE,
    request: (f, { n }) => ({
      url: '/api/wallet/transactions',
      body: {
        customerId: f.customerA.id,
        kind: 'adjust',
        amount: 1,
        reason: 'お詫び',
        reference: ref(n),
      },
    }),
  },
  {
    op: 'POST /api/wallet/top-ups',
    // チャージ in cash at her till: staff of the store (and head office), never the member herself.
    allow: AT_STORE,
    request: (f, { n }) => ({
      url: '/api/wallet/top-ups',
      body: {
        customerId: f.customerA.id,
        locationId: f.storeA,
        amount: 1,
        cashReceived: 1,
        clientTransactionId: `matrix-topup-${n}`,
      },
    }),
  },
  {
    op: 'GET /api/account/wallet/top-up-options',
    allow: CUSTOMERS,
    request: () => ({ url: '/api/account/wallet/top-up-options' }),
  },
  {
    op: 'POST /api/account/wallet/top-ups',
    // Her own wallet by card; with no acquirer configured the answer is 409 payment.card_unavailable.
    allow: CUSTOMERS,
    also: '409 when no card acquirer is configured',
    request: (_f, { n }) => ({
      url: '/api/account/wallet/top-ups',
      body: { amount: 1, card: { number: '4242424242424242' } },
      headers: { 'idempotency-key': `matrix-card-topup-${n}` },
    }),
  },
  {
    op: 'POST /api/account/wallet/top-ups/card-payment',
    // Her own wallet, the card confirmed in her browser (Stripe); the test acquirer here takes the number instead.
    allow: CUSTOMERS,
    also: '400 (platform.validation): the acquirer here (test) takes the number in one call',
    request: (_f, { n }) => ({
      url: '/api/account/wallet/top-ups/card-payment',
      body: { amount: 1 },
      headers: { 'idempotency-key': `matrix-browser-topup-${n}` },
    }),
  },
  {
    op: 'POST /api/account/wallet/top-ups/{id}/complete',
    // Only her own top-up: another member's is as good as none (404, browser-top-ups.test.ts).
    allow: CUSTOMERS,
    also: '404: no such top-up of hers',
    request: () => ({ url: '/api/account/wallet/top-ups/wtu_matrix_none/complete' }),
  },
  {
    op: 'GET /api/customers/{id}/wallet',
    allow: IN_CONTEXT,
    request: (f) => ({ url: `/api/customers/${f.customerA.id}/wallet` }),
  },
  // Events and the member at the till
  {
    op: 'POST /api/events',
    // Her devices' events, and a store's own events from its staff (docs/api.md).
    allow: ['anonymous', ...CUSTOMERS, ...AT_STORE],
    request: (f, { who, n }) => ({
      url: '/api/events',
      body: {
        events: [
          {
            id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
            type: 'product_viewed',
            occurredAt: new Date().toISOString(),
            ...((STAFF as readonly Who[]).includes(who)
              ? { channel: 'store', locationId: f.storeA, customerId: f.customerA.id }
              : { channel: 'web', deviceId: `dev-matrix-${n}` }),
            payload: { productId: 'prd_demo' },
          },
        ],
      },
    }),
  },
  {
    op: 'POST /api/member-codes/resolve',
    allow: AT_STORE,
    request: (f) => ({
      url: '/api/member-codes/resolve',
      body: { locationId: f.storeA, memberNumber: f.customerA.memberNumber },
    }),
  },
  // The card's follow-ups (her live cart, 取り寄せ): staff of her store, then only with a scan of hers by this
  // clerk (a made-up scan id here: 409 clienteling.not_scanned, checked after the store).
  {
    op: 'GET /api/customers/{id}/live-cart',
    allow: AT_STORE,
    also: '409: no scan of hers by this clerk',
    request: (f) => ({
      url: `/api/customers/${f.customerA.id}/live-cart${q({ locationId: f.storeA, scanId: 'evt_matrix' })}`,
    }),
  },
  {
    op: 'POST /api/customers/{id}/aisle-orders',
    allow: AT_STORE,
    also: '409: no scan of hers by this clerk',
    request: (f, { n }) => ({
      url: `/api/customers/${f.customerA.id}/aisle-orders`,
      body: { locationId: f.storeA, scanId: 'evt_matrix', variantId: f.variantId, quantity: 1 },
      headers: { 'idempotency-key': ref(n) },
    }),
  },
  {
    op: 'POST /api/member-presence/code',
    allow: AT_STORE,
    request: (f) => ({ url: '/api/member-presence/code', body: { locationId: f.storeA, customerId: f.customerA.id } }),
  },
  {
    op: 'POST /api/member-presence',
    allow: AT_STORE,
    also: 'a wrong code',
    request: (f) => ({
      url: '/api/member-presence',
      body: { locationId: f.storeA, customerId: f.customerA.id, code: '000000' },
    }),
  },
  // Carts and checkout: a member's cart is hers
  {
    op: 'POST /api/carts',
    // A web cart for a device or a member; a till cart at the clerk's own store.
    allow: ['anonymous', ...CUSTOMERS, ...AT_STORE],
    request: (f, { who }) => ({
      url: '/api/carts',
      body: (STAFF as readonly Who[]).includes(who)
        ? { channel: 'store', locationId: f.storeA, customerId: f.customerA.id }
        : {},
    }),
  },
  {
    op: 'GET /api/carts/{id}',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}` }),
  },
  {
    op: 'POST /api/carts/{id}/lines',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/lines`, body: { variantId: f.variantId, quantity: 1 } }),
  },
  {
    op: 'PUT /api/carts/{id}/lines/{variantId}',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/lines/${f.variantId}`, body: { quantity: 1 } }),
  },
  {
    op: 'PUT /api/carts/{id}/fulfilment',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/fulfilment`, body: { type: 'pickup', locationId: f.storeA } }),
  },
  {
    op: 'POST /api/carts/{id}/coupons',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/coupons`, body: { code: f.couponCode } }),
  },
  {
    op: 'DELETE /api/carts/{id}/coupons/{code}',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/coupons/${encodeURIComponent(f.couponCode)}` }),
  },
  {
    op: 'DELETE /api/carts/{id}/lines/{variantId}',
    allow: ['customer'],
    hidden: NOT_HERS,
    request: (f) => ({ url: `/api/carts/${f.cartId}/lines/${f.variantId}` }),
  },
  {
    op: 'POST /api/carts/{id}/checkout',
    allow: ['customer'],
    hidden: NOT_HERS,
    also: '409/422: the cart is empty',
    request: (f) => ({
      url: `/api/carts/${f.cartId}/checkout`,
      body: { payment: { method: 'card', card: { number: TEST_CARDS.approved } } },
    }),
  },
  {
    op: 'POST /api/account/holds',
    // 取り置き for herself, from the product page: any member, never staff (a hold is hers).
    allow: CUSTOMERS,
    request: (f) => ({ url: '/api/account/holds', body: { variantId: f.variantId, locationId: f.storeA } }),
  },
  {
    op: 'POST /api/carts/{id}/card-payment',
    allow: ['customer'],
    hidden: NOT_HERS,
    also: '422: the acquirer here (test) takes the number at checkout: nothing for a browser to confirm',
    request: (f) => ({
      url: `/api/carts/${f.cartId}/card-payment`,
      body: { payment: { method: 'card', card: {} } },
    }),
  },
  // Stripe's webhook: no session; Stripe's signature of the body is the only proof (stripe-webhook.test.ts).
  {
    op: 'POST /api/payments/stripe/webhook',
    allow: EVERYONE,
    also: '404: Stripe is not the card provider here',
    request: () => ({ url: '/api/payments/stripe/webhook', body: { id: 'evt_matrix', type: 'ping' } }),
  },
  // Orders
  {
    op: 'GET /api/orders/{id}',
    allow: ['customer', ...AT_STORE],
    hidden: STRANGERS,
    request: (f) => ({ url: `/api/orders/${f.order.id}` }),
  },
  {
    op: 'GET /api/locations/{id}/order-queue',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/order-queue` }),
  },
  {
    op: 'POST /api/orders/{id}/fulfilments/{fulfilmentId}/status',
    allow: AT_STORE,
    also: '409 once ready',
    request: (f) => ({
      url: `/api/orders/${f.order.id}/fulfilments/${f.order.fulfilmentId}/status`,
      body: { status: 'ready' },
    }),
  },
  {
    op: 'GET /api/orders/{id}/receipt',
    allow: ['customer', ...AT_STORE],
    hidden: STRANGERS,
    request: (f) => ({ url: `/api/orders/${f.order.id}/receipt` }),
  },
  {
    op: 'POST /api/orders/{id}/print',
    allow: AT_STORE,
    also: '409: the store has no printer switched on',
    request: (f) => ({ url: `/api/orders/${f.order.id}/print`, body: { copy: true } }),
  },
  // Store roles search only their own stores' orders: another store's staff get an empty list, not a refusal.
  { op: 'GET /api/orders', allow: STAFF, request: (f) => ({ url: `/api/orders${q({ locationId: f.storeA })}` }) },
  {
    op: 'GET /api/orders.csv',
    allow: STAFF,
    request: (f) => ({ url: `/api/orders.csv${q({ locationId: f.storeA })}` }),
  },
  // The lines of the orders she may search (another store's staff get a file of their own stores' orders).
  {
    op: 'GET /api/order-lines.csv',
    allow: STAFF,
    request: (f) => ({ url: `/api/order-lines.csv${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'GET /api/locations/{id}/slots',
    allow: EVERYONE,
    also: '409: store A offers no order-ahead',
    request: (f) => ({ url: `/api/locations/${f.storeA}/slots${q({ date: today() })}` }),
  },
  {
    op: 'GET /api/locations/{id}/slot-settings',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/slot-settings` }),
  },
  {
    op: 'PUT /api/locations/{id}/slot-settings',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/slot-settings`, body: { capacity: 4 } }),
  },
  {
    op: 'GET /api/locations/{id}/prep-board',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/locations/${f.storeA}/prep-board` }),
  },
  {
    op: 'GET /api/pos/offline-pack',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/pos/offline-pack${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'POST /api/pos/quote',
    allow: AT_STORE,
    request: (f) => ({ url: '/api/pos/quote', body: { locationId: f.storeA, lines: [{ jan: f.jan, quantity: 1 }] } }),
  },
  {
    op: 'POST /api/pos/sales',
    allow: AT_STORE,
    request: (f, { n }) => ({
      url: '/api/pos/sales',
      body: {
        locationId: f.storeA,
        lines: [{ jan: f.jan, quantity: 1 }],
        payments: [{ method: 'cash', amount: 1100, tendered: 2000 }],
        clientTransactionId: ref(n),
      },
    }),
  },
  {
    op: 'POST /api/till-sessions',
    allow: AT_STORE,
    also: "409: store A's till is open (the fixture's session)",
    request: (f) => ({ url: '/api/till-sessions', body: { locationId: f.storeA, float: 30000 } }),
  },
  {
    op: 'GET /api/till-sessions/current',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/till-sessions/current${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'GET /api/till-sessions/{id}',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/till-sessions/${f.tillSessionId}` }),
  },
  {
    op: 'GET /api/till-sessions/{id}/x-report',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/till-sessions/${f.tillSessionId}/x-report` }),
  },
  {
    op: 'POST /api/till-sessions/{id}/cash-movements',
    allow: AT_STORE,
    request: (f) => ({
      url: `/api/till-sessions/${f.tillSessionId}/cash-movements`,
      body: { kind: 'in', amount: 1000, reason: '両替' },
    }),
  },
  {
    op: 'POST /api/till-sessions/{id}/close',
    allow: AT_STORE,
    also: '409 once closed',
    request: (f) => ({
      url: `/api/till-sessions/${f.tillSessionId}/close`,
      body: { counted: { '10000': 3, '1000': 4 } },
    }),
  },
  {
    op: 'GET /api/till-sessions',
    allow: AT_STORE,
    request: (f) => ({ url: `/api/till-sessions${q({ locationId: f.storeA })}` }),
  },
  {
    op: 'POST /api/orders/{id}/returns',
    allow: AT_STORE,
    also: '409: nothing handed over yet',
    request: (f) => ({
      url: `/api/orders/${f.order.id}/returns`,
      body: { lines: [{ orderLineId: f.order.lineId, quantity: 1 }], locationId: f.storeA, reason: 'サイズ違い' },
    }),
  },
  {
    op: 'GET /api/orders/{id}/returns',
    allow: ['customer', ...AT_STORE],
    hidden: STRANGERS,
    request: (f) => ({ url: `/api/orders/${f.order.id}/returns` }),
  },
  {
    op: 'GET /api/returns/{id}/slip',
    allow: ['customer', ...AT_STORE],
    hidden: STRANGERS,
    request: (f) => ({ url: `/api/returns/${f.returnId}/slip` }),
  },
  {
    op: 'GET /api/returns/lookup',
    allow: STAFF,
    request: (f) => ({ url: `/api/returns/lookup${q({ number: f.order.number })}` }),
  },
  {
    op: 'POST /api/orders/lookup',
    allow: EVERYONE,
    also: '404: not her e-mail',
    request: (f) => ({ url: '/api/orders/lookup', body: { number: f.order.number, email: 'guest@example.jp' } }),
  },
  // Promotions and coupons: head office's
  {
    op: 'POST /api/promotions',
    allow: HEAD_OFFICE,
    request: () => ({
      url: '/api/promotions',
      body: { name: '新しい割引', kind: 'percent_off', params: { percent: 5 }, active: false },
    }),
  },
  { op: 'GET /api/promotions', allow: HEAD_OFFICE, request: () => ({ url: '/api/promotions' }) },
  {
    op: 'PATCH /api/promotions/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/promotions/${f.promotionId}`, body: { priority: 1 } }),
  },
  {
    op: 'POST /api/coupons',
    allow: HEAD_OFFICE,
    request: (f, { n }) => ({ url: '/api/coupons', body: { promotionId: f.promotionId, code: `${ref(n)}-c` } }),
  },
  {
    op: 'GET /api/coupons',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/coupons${q({ promotionId: f.promotionId })}` }),
  },
  {
    op: 'POST /api/coupons/batches',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: '/api/coupons/batches', body: { count: 2, coupon: { promotionId: f.promotionId } } }),
  },
  {
    op: 'GET /api/coupons/{id}/redemptions',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/coupons/${f.couponId}/redemptions` }),
  },
  // Notifications and integrations: head office's
  {
    op: 'POST /api/webhooks',
    allow: HEAD_OFFICE,
    request: () => ({ url: '/api/webhooks', body: { url: 'https://example.jp/hooks/other', events: ['order.ready'] } }),
  },
  { op: 'GET /api/webhooks', allow: HEAD_OFFICE, request: () => ({ url: '/api/webhooks' }) },
  { op: 'GET /api/deliveries', allow: HEAD_OFFICE, request: () => ({ url: '/api/deliveries' }) },
  {
    op: 'POST /api/deliveries/retry',
    allow: HEAD_OFFICE,
    request: () => ({ url: '/api/deliveries/retry', body: { allDead: true } }),
  },
  {
    op: 'POST /api/webhooks/{id}/roll-secret',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/webhooks/${f.webhookId}/roll-secret`, body: {} }),
  },
  {
    op: 'DELETE /api/webhooks/{id}',
    allow: HEAD_OFFICE,
    also: '404 once deactivated',
    request: (f) => ({ url: `/api/webhooks/${f.webhookId}` }),
  },
  // Engagement: head office's, and a store manager's for her stores (the fixture's segment and campaigns are
  // store A's; a list, a new segment and a preview are hers whichever store she manages).
  { op: 'GET /api/segments', allow: MARKETERS, request: () => ({ url: '/api/segments' }) },
  {
    op: 'POST /api/segments',
    allow: MARKETERS,
    request: (f) => ({
      url: '/api/segments',
      body: { name: '近隣', rules: { conditions: [{ field: 'near_store', locationId: f.storeB, km: 3 }] } },
    }),
  },
  {
    op: 'POST /api/segments/preview',
    allow: MARKETERS,
    request: () => ({
      url: '/api/segments/preview',
      body: { rules: { conditions: [{ field: 'tier', in: ['gold'] }] } },
    }),
  },
  // RFM分析: head office over every member, a store manager over her stores' members.
  { op: 'GET /api/segments/rfm-grid', allow: MARKETERS, request: () => ({ url: '/api/segments/rfm-grid' }) },
  {
    op: 'GET /api/segments/rfm-grid/export.csv',
    allow: MARKETERS,
    request: () => ({ url: '/api/segments/rfm-grid/export.csv' }),
  },
  { op: 'GET /api/segments/{id}', allow: MANAGERS_AT_STORE, request: (f) => ({ url: `/api/segments/${f.segmentId}` }) },
  {
    op: 'PATCH /api/segments/{id}',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/segments/${f.segmentId}`, body: { description: '更新' } }),
  },
  {
    op: 'POST /api/segments/{id}/export.csv',
    // Exporting members stays head office's, even of a store's segment.
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/segments/${f.segmentId}/export.csv` }),
  },
  {
    op: 'DELETE /api/segments/{id}',
    allow: MANAGERS_AT_STORE,
    also: '409 while a campaign uses it',
    request: (f) => ({ url: `/api/segments/${f.segmentId}` }),
  },
  { op: 'GET /api/campaigns', allow: MARKETERS, request: () => ({ url: '/api/campaigns' }) },
  {
    op: 'POST /api/campaigns',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({
      url: '/api/campaigns',
      body: { name: '雨の日', segmentId: f.segmentId, title: '雨の日クーポン', body: '本日限り', link: '/shop' },
    }),
  },
  { op: 'GET /api/campaign-offers', allow: MARKETERS, request: () => ({ url: '/api/campaign-offers' }) },
  // 需要予測 (analytics): head office any store, a manager her own.
  {
    op: 'GET /api/analytics/forecast',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/forecast?locationId=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/forecast/accuracy',
    allow: HEAD_OFFICE,
    request: () => ({ url: '/api/analytics/forecast/accuracy' }),
  },
  // 補充提案 (analytics): head office any store, a manager her own; a transfer as the source's manager or head office.
  {
    op: 'GET /api/analytics/replenishment',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/replenishment?locationId=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/replenishment/purchase.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/replenishment/purchase.csv?locationId=${f.storeA}` }),
  },
  {
    op: 'POST /api/analytics/replenishment/transfers',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({
      url: '/api/analytics/replenishment/transfers',
      body: { variantId: f.variantId, fromLocationId: f.storeA, toLocationId: f.storeB, quantity: 1 },
    }),
  },
  // 予測LTV (analytics): head office's.
  {
    op: 'GET /api/analytics/customer-value',
    allow: HEAD_OFFICE,
    request: () => ({ url: '/api/analytics/customer-value' }),
  },
  {
    op: 'POST /api/analytics/customer-value/refit',
    allow: HEAD_OFFICE,
    also: '409 while no member has bought twice',
    request: () => ({ url: '/api/analytics/customer-value/refit', body: {} }),
  },
  {
    op: 'GET /api/analytics/customer-value/customers/{id}',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/analytics/customer-value/customers/${f.customerA.id}` }),
  },
  {
    op: 'GET /api/campaigns/{id}',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}` }),
  },
  {
    op: 'PATCH /api/campaigns/{id}',
    allow: MANAGERS_AT_STORE,
    also: '409 once sent',
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}`, body: { title: '雨の日クーポン (更新)' } }),
  },
  // 売上分析: head office everything; a store manager her stores (store A here: another store's manager is 403).
  {
    op: 'GET /api/analytics/sales',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/sales?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/sales/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/sales/export.csv?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/omni',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/omni?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/omni/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/omni/export.csv?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  // コホート, 累計LTV: head office everything; a store manager her stores.
  {
    op: 'GET /api/analytics/cohorts',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/cohorts?from=2026-01-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/cohorts/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/cohorts/export.csv?from=2026-01-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/ltv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/ltv?from=2026-01-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/ltv/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/ltv/export.csv?from=2026-01-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  // 欠品・機会損失: head office everything; a store manager her stores.
  {
    op: 'GET /api/analytics/stockouts',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/stockouts?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/stockouts/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/stockouts/export.csv?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/coupons',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/coupons?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/analytics/coupons/export.csv',
    allow: MANAGERS_AT_STORE,
    request: (f) => ({ url: `/api/analytics/coupons/export.csv?from=2026-11-01&to=2026-11-30&stores=${f.storeA}` }),
  },
  {
    op: 'GET /api/campaigns/{id}/results',
    allow: MANAGERS_AT_STORE,
    also: '409 before it is sent',
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}/results` }),
  },
  {
    op: 'GET /api/campaigns/{id}/results.csv',
    allow: MANAGERS_AT_STORE,
    also: '409 before it is sent',
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}/results.csv` }),
  },
  {
    op: 'POST /api/campaigns/{id}/schedule',
    allow: MANAGERS_AT_STORE,
    also: '409 once sent',
    request: (f) => ({
      url: `/api/campaigns/${f.campaignId}/schedule`,
      body: { at: new Date(Date.now() + 86400_000).toISOString() },
    }),
  },
  {
    op: 'DELETE /api/campaigns/{id}/schedule',
    allow: MANAGERS_AT_STORE,
    also: '409 once sent',
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}/schedule` }),
  },
  {
    op: 'POST /api/campaigns/{id}/send',
    allow: MANAGERS_AT_STORE,
    also: '409 once sent',
    request: (f) => ({ url: `/api/campaigns/${f.campaignId}/send` }),
  },
  {
    // Trigger campaigns stay head office's.
    op: 'POST /api/campaigns/{id}/activate',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/campaigns/${f.triggerCampaignId}/activate` }),
  },
  {
    op: 'POST /api/campaigns/{id}/pause',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/campaigns/${f.triggerCampaignId}/pause` }),
  },
  {
    op: 'GET /api/campaigns/{id}/firings',
    allow: HEAD_OFFICE,
    request: (f) => ({ url: `/api/campaigns/${f.triggerCampaignId}/firings` }),
  },
  {
    op: 'DELETE /api/campaigns/{id}',
    allow: MANAGERS_AT_STORE,
    setup: 'storeDrafts',
    request: (_f, { who, x }) => ({ url: `/api/campaigns/${x[who]}` }),
  },
  // The owner's
  { op: 'GET /api/audit', allow: OWNER, request: () => ({ url: '/api/audit' }) },
  { op: 'GET /api/backup', allow: OWNER, also: 'not on a server database', request: () => ({ url: '/api/backup' }) },
  { op: 'GET /api/stream', allow: EVERYONE, endless: true, request: () => ({ url: '/api/stream' }) },
  // Last: rows that end sessions or accounts
  { op: 'POST /api/auth/logout', allow: STAFF, sessions: 'fresh', request: () => ({ url: '/api/auth/logout' }) },
  {
    op: 'POST /api/customer-auth/logout',
    allow: CUSTOMERS,
    sessions: 'fresh',
    request: () => ({ url: '/api/customer-auth/logout' }),
  },
  {
    op: 'POST /api/account/delete',
    allow: CUSTOMERS,
    sessions: 'freshMembers',
    request: () => ({ url: '/api/account/delete', body: { password: 'sakura-password-2026' } }),
  },
  // Very last: signing out everywhere else ends the fixture's own sessions too (every row after is 'fresh').
  {
    op: 'DELETE /api/me/sessions',
    allow: STAFF,
    sessions: 'fresh',
    request: () => ({ url: '/api/me/sessions?keep=current' }),
  },
  {
    op: 'DELETE /api/account/sessions',
    allow: CUSTOMERS,
    sessions: 'fresh',
    request: () => ({ url: '/api/account/sessions?keep=current' }),
  },
];

/** A valid JAN-13 of the 29 (in-store) range, unique per call. */
function janOf(n: number): string {
  const body = `29${String(Date.now() % 1_000_000).padStart(6, '0')}${String(n % 10_000).padStart(4, '0')}`;
  const digits = [...body].map(Number);
  const sum = digits.reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}
