/**
 * The events integrations hear (webhooks and NATS JetStream): their names, what the HQ screen calls them,
 * and an example of each `data`, which the OpenAPI document's `webhooks` section shows. Every delivery's
 * body is `{ id, event, occurredAt, data }`.
 */
export interface WebhookEventType {
  name: string;
  ja: string;
  en: string;
  description: string;
  example: Record<string, unknown>;
}

const at = '2026-12-06T09:15:02.000Z';
const order = (status: string) => ({
  orderId: 'ord_01JEXAMPLE0000000000000000',
  number: 'W-000123',
  fulfilmentId: 'ful_01JEXAMPLE0000000000000000',
  type: 'pickup',
  pickupCode: '4821',
  locationId: 'loc_01JSHIBUYA00000000000000',
  deadline: '2026-12-09T12:00:00.000Z',
  slotStart: null,
  status,
  customerId: 'cus_01JEXAMPLE0000000000000000',
  total: 5280,
});
const product = (status: string) => ({
  product: {
    id: 'prd_01JEXAMPLE0000000000000000',
    name: '今治タオル フェイス',
    nameKana: 'いまばりたおる ふぇいす',
    description: '',
    categoryId: null,
    taxRate: 10,
    status,
    variants: [
      {
        id: 'var_01JEXAMPLE0000000000000000',
        sku: 'TWL-F-WH',
        jan: '4901234567894',
        price: 1650,
        options: { 色: '白' },
        status: 'active',
      },
    ],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: at,
  },
});
const customer = {
  customer: {
    id: 'cus_01JEXAMPLE0000000000000000',
    memberNumber: '2000000000017',
    name: '山田 花子',
    nameKana: 'やまだ はなこ',
    birthday: null,
    email: 'hanako@example.jp',
    phone: '09012345678',
    tier: 'regular',
    status: 'active',
    mergedInto: null,
    homeLocationId: null,
    createdAt: at,
  },
};

const orderStatuses: Array<[string, string, string]> = [
  ['placed', '注文受付', 'Order placed'],
  ['picking', 'ピッキング開始', 'Picking started'],
  ['ready', '受け取り準備完了', 'Ready for pickup'],
  ['picked_up', '受け取り済み', 'Picked up'],
  ['shipped', '発送・配達出発', 'Shipped / out for delivery'],
  ['delivered', 'お届け完了', 'Delivered'],
  ['cancelled', 'キャンセル', 'Cancelled'],
];

const appointment = (status: string, extra: Record<string, unknown> = {}) => ({
  appointmentId: 'apt_01JEXAMPLE0000000000000000',
  customerId: 'cus_01JEXAMPLE0000000000000000',
  locationId: 'loc_01JSHIBUYA00000000000000',
  storeName: '渋谷店',
  serviceId: 'aps_01JEXAMPLE0000000000000000',
  serviceName: 'パーソナルカラー診断',
  serviceNameEn: 'Personal colour consultation',
  startsAt: '2026-12-12T05:00:00.000Z',
  endsAt: '2026-12-12T05:45:00.000Z',
  status,
  ...extra,
});

/** 来店予約: every move of an appointment (the store's staff move it on; she books, rebooks and cancels). */
const appointmentEvents: WebhookEventType[] = [
  {
    name: 'appointment.booked',
    ja: '来店予約の受付',
    en: 'Appointment booked',
    description:
      "A member booked a slot of a store's service. A change of time is `appointment.cancelled` of the old booking (with `rebookedAs`) and this event of the new one (with `rebookedFrom`).",
    example: appointment('booked'),
  },
  {
    name: 'appointment.checked_in',
    ja: '来店予約の来店',
    en: 'Appointment checked in',
    description: 'The store marked the member as arrived (来店).',
    example: appointment('checked_in', { by: 'store' }),
  },
  {
    name: 'appointment.completed',
    ja: '来店予約の完了',
    en: 'Appointment completed',
    description: 'The store marked the appointment done (完了).',
    example: appointment('completed', { by: 'store' }),
  },
  {
    name: 'appointment.no_show',
    ja: '来店予約の無断キャンセル',
    en: 'Appointment no-show',
    description: 'The member did not come; the store marked it once the appointment had started (無断キャンセル).',
    example: appointment('no_show', { by: 'store' }),
  },
  {
    name: 'appointment.cancelled',
    ja: '来店予約のキャンセル',
    en: 'Appointment cancelled',
    description: '`by` says who cancelled: `customer` (she did, in the app) or `store` (on her behalf).',
    example: appointment('cancelled', { by: 'customer' }),
  },
];

export const webhookEventTypes: readonly WebhookEventType[] = [
  {
    name: 'inventory.level_changed',
    ja: '在庫数の変更',
    en: 'Stock level changed',
    description:
      'The stock of a variant at a location changed. Coalesced per variant × location and second: a burst of sales gives one event a second with the latest figures. `availableBefore` is what was available when the second began.',
    example: {
      variantId: 'var_01JEXAMPLE0000000000000000',
      locationId: 'loc_01JSHIBUYA00000000000000',
      onHand: 12,
      reserved: 3,
      available: 9,
      inTransit: 0,
      reorderPoint: null,
      availableBefore: 11,
      at,
    },
  },
  {
    name: 'inventory.low',
    ja: '在庫が発注点を下回った',
    en: 'Stock below reorder point',
    description:
      "Available stock fell below the reorder point (発注点) of the variant at the location: the row's own, else the configured default (INVENTORY_REORDER_POINT).",
    example: {
      variantId: 'var_01JEXAMPLE0000000000000000',
      locationId: 'loc_01JSHIBUYA00000000000000',
      available: 2,
      onHand: 4,
      reserved: 2,
      reorderPoint: 3,
      at,
    },
  },
  {
    name: 'product.created',
    ja: '商品の登録',
    en: 'Product created',
    description: 'A product was created, with its variants.',
    example: product('active'),
  },
  {
    name: 'product.updated',
    ja: '商品の変更',
    en: 'Product updated',
    description: 'A product or one of its variants changed (name, options, category, tax rate, a new variant …).',
    example: product('active'),
  },
  {
    name: 'product.archived',
    ja: '商品のアーカイブ',
    en: 'Product archived',
    description: 'A product was archived: no longer sold.',
    example: product('archived'),
  },
  {
    name: 'price.changed',
    ja: '価格の変更',
    en: 'Price changed',
    description: 'The tax-included price (税込, integer yen) of a variant changed.',
    example: {
      variantId: 'var_01JEXAMPLE0000000000000000',
      productId: 'prd_01JEXAMPLE0000000000000000',
      sku: 'TWL-F-WH',
      price: 1760,
      previousPrice: 1650,
      at,
    },
  },
  {
    name: 'customer.created',
    ja: '会員の登録',
    en: 'Customer created',
    description: 'A member registered, or staff created a customer record.',
    example: customer,
  },
  {
    name: 'customer.updated',
    ja: '会員情報の変更',
    en: 'Customer updated',
    description: "A customer's profile changed (name, reading, birthday, phone, e-mail).",
    example: customer,
  },
  {
    name: 'customer.merged',
    ja: '会員の統合',
    en: 'Customers merged',
    description:
      'Two records of one person were merged: `mergedId` now points at `survivorId` (its identifiers, points and history moved there).',
    example: {
      survivorId: 'cus_01JEXAMPLE0000000000000000',
      mergedId: 'cus_01JEXAMPLE0000000000000001',
      mergeId: 'mrg_01JEXAMPLE0000000000000000',
      at,
    },
  },
  {
    name: 'customer.deleted',
    ja: '会員の削除',
    en: 'Customer deleted',
    description:
      "A customer's personal data was erased. The event carries ids only — no personal data; erase the person on your side too.",
    example: { customerId: 'cus_01JEXAMPLE0000000000000000', deletedAt: at },
  },
  ...orderStatuses.map(([status, ja, en]) => ({
    name: `order.${status}`,
    ja: `注文: ${ja}`,
    en: `Order: ${en}`,
    description:
      status === 'placed'
        ? 'An order was placed (online, in the app, at the till).'
        : `A fulfilment of an order moved to \`${status}\`.`,
    example: order(status),
  })),
  {
    name: 'order.hold_expiring',
    ja: '注文: 取り置き期限が近い',
    en: 'Order: hold expiring',
    description:
      "A member's hold (取り置き) is due soon: sent with head office's reminder (engagement's お知らせ（自動）). Webhooks only (not a NATS subject).",
    example: { ...order('ready'), type: 'hold', customerId: 'cus_01JEXAMPLE0000000000000000' },
  },
  {
    name: 'return.created',
    ja: '返品の受付',
    en: 'Return created',
    description: 'Goods of an order came back at a store.',
    example: {
      order: { id: 'ord_01JEXAMPLE0000000000000000', number: 'W-000123', channel: 'web', customerId: null },
      return: {
        id: 'ret_01JEXAMPLE0000000000000000',
        locationId: 'loc_01JSHIBUYA00000000000000',
        refundTotal: 1650,
        items: 1,
      },
      by: 'stf_01JEXAMPLE0000000000000000',
      at,
    },
  },
  {
    name: 'refund.succeeded',
    ja: '返金の完了',
    en: 'Refund succeeded',
    description:
      'Money went back to the customer: `refundedAs` is how (card with the provider, wallet, points, cash at the till).',
    example: {
      orderId: 'ord_01JEXAMPLE0000000000000000',
      returnId: 'ret_01JEXAMPLE0000000000000000',
      paymentId: 'pay_01JEXAMPLE0000000000000000',
      method: 'card',
      refundedAs: 'card',
      amount: 1650,
      at,
    },
  },
  {
    name: 'points.changed',
    ja: 'ポイントの増減',
    en: 'Points changed',
    description:
      "A member's points ledger got an entry (earn, redeem, expire, reverse, adjust); `balance` is the balance after it.",
    example: {
      customerId: 'cus_01JEXAMPLE0000000000000000',
      entryId: 'pte_01JEXAMPLE0000000000000000',
      kind: 'earn',
      points: 48,
      reference: 'ord_01JEXAMPLE0000000000000000',
      balance: 1250,
      at,
    },
  },
  ...appointmentEvents,
];

export const webhookEventNames = webhookEventTypes.map((t) => t.name);

/** What an endpoint may subscribe to: '*', a family ('inventory.*', 'order.*' …) or one event's name. */
export const webhookEventPatterns = [
  '*',
  ...new Set(webhookEventNames.map((n) => `${n.split('.')[0]}.*`)),
  ...webhookEventNames,
] as [string, ...string[]];

/** The OpenAPI `webhooks` section: one POST per event, its body's schema and example. */
export function webhookDocs(): Record<string, unknown> {
  return Object.fromEntries(
    webhookEventTypes.map((t) => [
      t.name,
      {
        post: {
          operationId: `webhook${t.name
            .split(/[._]/)
            .map((w) => w[0]!.toUpperCase() + w.slice(1))
            .join('')}`,
          summary: `${t.en} (${t.ja})`,
          description: `${t.description}\n\nSigned per Standard Webhooks (\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`); also published to NATS JetStream as \`musubi.${t.name}\` when NATS_URL is set.`,
          tags: ['webhooks'],
          security: [],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['id', 'event', 'occurredAt', 'data'],
                  properties: {
                    id: {
                      type: 'string',
                      description: 'The delivery id (also `webhook-id`): the same on every retry.',
                    },
                    event: { type: 'string', const: t.name },
                    occurredAt: { type: 'string', format: 'date-time' },
                    data: { type: 'object', additionalProperties: true },
                  },
                },
                example: { id: 'whd_4211', event: t.name, occurredAt: at, data: t.example },
              },
            },
          },
          responses: {
            '200': { description: 'Any 2xx: received. Anything else (or no answer in 10 s) is retried with backoff.' },
          },
        },
      },
    ]),
  );
}
