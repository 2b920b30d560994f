import { DomainError } from './errors.ts';
import type { Principal } from './auth.ts';

/**
 * What an API token may do: its scopes, and the operations each scope opens. An integration gets the
 * scopes it needs and nothing else — a storefront agency `catalog:read` and `inventory:read`, a POS
 * `inventory:write`, an ERP `orders:read`. A token acts as the staff member who created it (the owner),
 * with her role and stores as they are now, so the services' own checks (role, store, personal data)
 * still apply: a token can do only what its scopes allow, and never more than she can.
 *
 * An operation not listed here is closed to every token (staff administration, the tokens themselves,
 * merges and erasure, the till, marketing, analytics): default deny. docs/integrations.md lists them.
 */
export const apiScopes = [
  'catalog:read',
  'catalog:write',
  'inventory:read',
  'inventory:write',
  'orders:read',
  'orders:write',
  'customers:read',
  'customers:write',
  'webhooks:manage',
] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Each operation a token may call (`METHOD /path` as the OpenAPI document writes it) and the scope it needs. */
export const operationScopes: Readonly<Record<string, ApiScope>> = {
  // 商品: products, variants, categories, barcodes; the stores they are sold at.
  'GET /api/products': 'catalog:read',
  'GET /api/products/{id}': 'catalog:read',
  'GET /api/products/{id}/reviews': 'catalog:read',
  'GET /api/barcodes/{jan}': 'catalog:read',
  'GET /api/categories': 'catalog:read',
  'GET /api/locations': 'catalog:read',
  'GET /api/locations/{id}': 'catalog:read',
  'POST /api/products': 'catalog:write',
  'PATCH /api/products/{id}': 'catalog:write',
  'POST /api/products/{id}/archive': 'catalog:write',
  'POST /api/products/{id}/variants': 'catalog:write',
  'PATCH /api/variants/{id}': 'catalog:write',
  'GET /api/products/{id}/images': 'catalog:read',
  'POST /api/products/{id}/images': 'catalog:write',
  'PUT /api/products/{id}/images/order': 'catalog:write',
  'PATCH /api/product-images/{id}': 'catalog:write',
  'DELETE /api/product-images/{id}': 'catalog:write',
  'POST /api/categories': 'catalog:write',
  'PATCH /api/categories/{id}': 'catalog:write',
  // 特集 and the shop's listing (storefront).
  'GET /api/collections': 'catalog:read',
  'GET /api/shop/products': 'catalog:read',
  'GET /api/shop/suggestions': 'catalog:read',
  'GET /api/shop/home': 'catalog:read',
  'POST /api/collections': 'catalog:write',
  'PATCH /api/collections/{id}': 'catalog:write',
  'DELETE /api/collections/{id}': 'catalog:write',
  // 在庫: levels, ledger, transfers, reservations, availability, exports.
  'GET /api/availability': 'inventory:read',
  'GET /api/products/{id}/availability': 'inventory:read',
  'GET /api/locations/{id}/stock': 'inventory:read',
  'GET /api/stock-movements': 'inventory:read',
  'GET /api/transfers': 'inventory:read',
  'GET /api/reservations': 'inventory:read',
  'GET /api/reservations/{id}': 'inventory:read',
  'GET /api/stock-reconciliations': 'inventory:read',
  'GET /api/stock-levels.csv': 'inventory:read',
  'GET /api/stock-movements.csv': 'inventory:read',
  'POST /api/stock-movements': 'inventory:write',
  'POST /api/transfers/{id}/receive': 'inventory:write',
  'POST /api/reservations': 'inventory:write',
  'POST /api/reservations/{id}/release': 'inventory:write',
  'POST /api/reservations/{id}/commit': 'inventory:write',
  'POST /api/reservations/{id}/extend': 'inventory:write',
  'POST /api/stock-reconciliations/{id}/resolve': 'inventory:write',
  // 注文: search, detail, receipts, returns, exports; moving a fulfilment on (出荷・受け渡し).
  'GET /api/orders': 'orders:read',
  'GET /api/orders/{id}': 'orders:read',
  'GET /api/orders/{id}/receipt': 'orders:read',
  'GET /api/orders/{id}/returns': 'orders:read',
  'GET /api/locations/{id}/order-queue': 'orders:read',
  'GET /api/orders.csv': 'orders:read',
  'GET /api/order-lines.csv': 'orders:read',
  'POST /api/orders/{id}/fulfilments/{fulfilmentId}/status': 'orders:write',
  'POST /api/orders/{id}/returns': 'orders:write',
  // Placing an order for a shopper (a storefront built on the API): a guest's cart and its checkout. The card
  // field (card-payment) is the browser's, with the card provider: not a token's.
  'POST /api/carts': 'orders:write',
  'GET /api/carts/{id}': 'orders:write',
  'POST /api/carts/{id}/lines': 'orders:write',
  'PUT /api/carts/{id}/lines/{variantId}': 'orders:write',
  'DELETE /api/carts/{id}/lines/{variantId}': 'orders:write',
  'PUT /api/carts/{id}/fulfilment': 'orders:write',
  'POST /api/carts/{id}/coupons': 'orders:write',
  'DELETE /api/carts/{id}/coupons/{code}': 'orders:write',
  'GET /api/checkout/payment-methods': 'orders:write',
  'POST /api/carts/{id}/checkout': 'orders:write',
  // 顧客: search, detail, consents, the list as CSV (columns by the creator's role); registering and editing.
  'GET /api/customers': 'customers:read',
  'GET /api/customers/{id}': 'customers:read',
  'GET /api/customers/{id}/consents': 'customers:read',
  'GET /api/customers.csv': 'customers:read',
  'POST /api/customers': 'customers:write',
  'PATCH /api/customers/{id}': 'customers:write',
  'PUT /api/customers/{id}/consents': 'customers:write',
  // Webhook endpoints and their deliveries.
  'GET /api/webhooks': 'webhooks:manage',
  'POST /api/webhooks': 'webhooks:manage',
  'DELETE /api/webhooks/{id}': 'webhooks:manage',
  'POST /api/webhooks/{id}/roll-secret': 'webhooks:manage',
  'GET /api/deliveries': 'webhooks:manage',
  'POST /api/deliveries/retry': 'webhooks:manage',
};

/** The scope an operation needs from a token (`GET`, `/api/orders/:id` in Fastify's or OpenAPI's spelling), if any opens it. */
export function scopeOf(method: string, url: string): ApiScope | undefined {
  const path = url.replace(/:(\w+)/g, '{$1}');
  return operationScopes[`${method === 'HEAD' ? 'GET' : method} ${path}`];
}

/**
 * The principal may act with this scope: sessions always may (their role decides), a token only with the
 * scope among its own. Called for every request a token makes (platform/http/app.ts) and again by the
 * services whose data is most sensitive (the customer list, webhooks).
 */
export function requireScope(p: Principal, scope: ApiScope | undefined): void {
  if (p.kind !== 'staff' || !p.apiToken) return;
  if (scope && p.apiToken.scopes.includes(scope)) return;
  throw new DomainError('platform.forbidden', {
    reason: scope
      ? `この API トークンには ${scope} の権限がありません。`
      : 'この操作は API トークンでは行えません（スタッフのログインで行ってください）。',
    reasonEn: scope
      ? `This API token lacks the scope ${scope}.`
      : 'API tokens cannot do this (sign in as staff instead).',
    scope: scope ?? null,
  });
}
