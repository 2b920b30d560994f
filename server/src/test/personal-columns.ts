/**
 * Every column of every table, classified for personal data requests (APPI 開示請求, 利用停止・消去).
 * server/src/personal-data.test.ts reads information_schema and fails when a column is missing here (or
 * listed here but gone): a module that adds a column says here whether it holds a customer's data, and if
 * so in which export section she receives it and how deletion erases it (an export source and an erase
 * step handed to customers in server.ts).
 *
 * - personal: about her and identifying her — exported (section), erased at deletion (how).
 * - kept: tied to her only through the customer id, which deletion turns into a pseudonym — exported,
 *   kept so amounts, ledgers and stock stay whole (accounting, 電子帳簿保存法).
 * - none: not about a customer (catalogue, stores, staff, machinery), or an id/time with no meaning alone.
 */
export interface TableColumns {
  personal?: Record<string, { export: string; erase: string }>;
  kept?: Record<string, string>;
  none?: readonly string[];
}

const secret = '— (a secret, never exported)';
const internal = '— (machinery, not shown)';

export const personalColumns: Record<string, TableColumns> = {
  audit_log: {
    personal: { detail: { export: '— (head office’s trail)', erase: 'a merge’s reason removed (staff’s free text)' } },
    kept: { subject_id: '— (head office’s trail: the customer id only)' },
    none: ['id', 'at', 'actor', 'action', 'subject_type', 'location_id'],
  },
  campaign_recipients: {
    // Who a campaign reached or held out (engagement): tied to her by id only, kept so a campaign's lift stays
    // whole; exported as her campaign sends.
    kept: { customer_id: 'campaigns', status: 'campaigns', created_at: 'campaigns', firing: 'campaigns' },
    // A trigger firing's store and its distance from her then (not her position): kept with the firing.
    personal: { detail: { export: 'campaigns', erase: 'nulled' } },
    none: ['campaign_id'],
  },
  import_jobs: {
    // A CSV import (imports): the uploaded file may list customers; it is dropped when the import is done.
    personal: {
      content: { export: '— (a head-office upload, dropped when the import is done)', erase: 'dropped when done' },
    },
    none: [
      'id',
      'kind',
      'file_name',
      'encoding',
      'status',
      'total_rows',
      'processed_rows',
      'counts',
      'errors',
      'error_count',
      'result',
      'created_by',
      'lease_until',
      'created_at',
      'started_at',
      'finished_at',
    ],
  },
  line_webhook_events: {
    // LINE webhook event ids already handled (engagement/line-webhook.ts): replay guard, a day; no person in them.
    none: ['webhook_event_id', 'received_at'],
  },
  line_chat_offers: {
    // The stock lines last offered to a LINE user in the chat, so 「取り置き 2」 means what she saw: an hour.
    personal: {
      line_user_id: { export: '— (kept an hour, then deleted)', erase: 'deleted after an hour' },
      offers: { export: '— (kept an hour, then deleted)', erase: 'deleted after an hour' },
    },
    none: ['offered_at'],
  },
  customer_value_predictions: {
    // 予測LTV (analytics): a score about her, recomputed daily from her orders — exported, deleted at erasure.
    personal: Object.fromEntries(
      ['customer_id', 'purchases12m', 'value12m', 'alive', 'spend_to_date', 'purchase_days', 'computed_at'].map((c) => [
        c,
        { export: 'customerValue', erase: 'deleted' },
      ]),
    ),
    none: ['model_id'],
  },
  customer_value_models: {
    // The fitted model's parameters and its held-out accuracy: counts and averages, no person.
    none: ['id', 'fitted_at', 'as_of', 'members', 'repeaters', 'params', 'accuracy'],
  },
  // スキャン＆ゴー (scan-and-go): her baskets at stores and the exit passes of the paid ones. Exported; an open
  // basket (scanned, never paid) is deleted at erasure, a paid one and its pass stay with the sale under the pseudonym.
  scan_and_go_baskets: {
    personal: { status: { export: 'scanAndGo', erase: 'open baskets deleted' } },
    kept: { customer_id: 'scanAndGo', order_id: 'scanAndGo', created_at: 'scanAndGo', location_id: 'scanAndGo' },
    none: ['id', 'updated_at'],
  },
  scan_and_go_lines: {
    personal: {
      variant_id: { export: 'scanAndGo', erase: 'deleted with an open basket' },
      quantity: { export: 'scanAndGo', erase: 'deleted with an open basket' },
      added_at: { export: 'scanAndGo', erase: 'deleted with an open basket' },
    },
    none: ['basket_id'],
  },
  scan_and_go_exit_passes: {
    kept: {
      order_id: 'scanAndGo',
      customer_id: 'scanAndGo',
      location_id: 'scanAndGo',
      item_count: 'scanAndGo',
      issued_at: 'scanAndGo',
      verified_at: 'scanAndGo',
    },
    none: ['basket_id', 'must_check', 'expires_at', 'verified_by'],
  },
  scan_and_go_settings: {
    none: ['location_id', 'enabled', 'basket_cap', 'check_percent', 'updated_at', 'updated_by'],
  },
  appointments: {
    // 来店予約 (appointments): where and when she booked a visit, her note, whether she came — deleted at erasure.
    personal: Object.fromEntries(
      [
        'id',
        'location_id',
        'service_id',
        'staff_id',
        'customer_id',
        'starts_at',
        'ends_at',
        'status',
        'note',
        'cancelled_by',
        'status_changed_at',
        'status_changed_by',
        'reminded_day_before_at',
        'reminded_soon_at',
        'created_at',
      ].map((c) => [c, { export: 'appointments', erase: 'deleted' }]),
    ),
  },
  appointment_services: {
    none: [
      'id',
      'location_id',
      'name_ja',
      'name_en',
      'description_ja',
      'duration_minutes',
      'capacity_per_staff',
      'active',
      'sort_order',
      'created_at',
      'updated_at',
    ],
  },
  appointment_service_staff: { none: ['service_id', 'staff_id'] },
  staff_shifts: { none: ['location_id', 'staff_id', 'weekday', 'start_time', 'end_time'] },
  staff_time_blocks: {
    none: ['id', 'location_id', 'staff_id', 'starts_at', 'ends_at', 'reason', 'created_by', 'created_at'],
  },
  favourites: {
    // お気に入り (favourites): the products she keeps and since when — her taste, deleted at erasure.
    personal: {
      customer_id: { export: 'favourites', erase: 'deleted' },
      product_id: { export: 'favourites', erase: 'deleted' },
      added_at: { export: 'favourites', erase: 'deleted' },
    },
  },
  reviews: {
    // レビュー (reviews): what she wrote of a product she bought, and how head office handled it — her words,
    // deleted at erasure with everything hanging off them (photos, votes, the shop's reply).
    personal: Object.fromEntries(
      [
        'id',
        'product_id',
        'customer_id',
        'rating',
        'title',
        'body',
        'fit',
        'nickname',
        'purchase_channel',
        'status',
        'hidden_reason',
        'hidden_at',
        'hidden_by',
        'reply',
        'replied_at',
        'replied_by',
        'helpful_count',
        'report_count',
        'created_at',
        'updated_at',
      ].map((c) => [c, { export: 'reviews', erase: 'deleted' }]),
    ),
  },
  review_photos: {
    // Her review's photos (re-encoded, no metadata): exported by id, deleted with the review.
    personal: {
      data: { export: 'reviews (photo ids; the photos at /api/review-photos/{id})', erase: 'deleted' },
      review_id: { export: 'reviews', erase: 'deleted' },
    },
    none: ['id', 'content_type', 'width', 'height', 'created_at'],
  },
  review_votes: {
    // Her 参考になった and 報告 on others' reviews: deleted at erasure, the counts taken down by them.
    personal: {
      review_id: { export: 'reviewVotes', erase: 'deleted' },
      customer_id: { export: 'reviewVotes', erase: 'deleted' },
      kind: { export: 'reviewVotes', erase: 'deleted' },
      created_at: { export: 'reviewVotes', erase: 'deleted' },
      // 報告's reason and her note to head office.
      reason: { export: 'reviewVotes', erase: 'deleted' },
      note: { export: 'reviewVotes', erase: 'deleted' },
    },
  },
  restock_wishes: {
    // 入荷したら知らせる (engagement): what she waits for and at which store — her wish list, deleted at erasure.
    personal: {
      customer_id: { export: 'restockWishes', erase: 'deleted' },
      variant_id: { export: 'restockWishes', erase: 'deleted' },
      location_id: { export: 'restockWishes', erase: 'deleted' },
      created_at: { export: 'restockWishes', erase: 'deleted' },
      notified_at: { export: 'restockWishes', erase: 'deleted' },
      outcome: { export: 'restockWishes', erase: 'deleted' },
    },
    none: ['id', 'campaign_id', 'occasion'],
  },
  rfm_cut_points: {
    // Quintile boundaries over all buyers (engagement/rfm.ts): no member in them.
    none: ['id', 'buyers', 'cuts', 'computed_at'],
  },
  // RFM分析's grid as kept (engagement/rfm-grid.ts): counts per home store and cell, no member in them.
  rfm_grid_cells: { none: ['home_location_id', 'r', 'f', 'grp', 'members', 'spend', 'mo'] },
  rfm_grid_state: { none: ['id', 'buyers', 'cuts', 'computed_at'] },
  campaigns: {
    // Head office's messages to segments: the marketer's words, no member in them.
    none: [
      'store_scope',
      'scheduled_at',
      'scheduled_by',
      'schedule_error',
      'id',
      'name',
      'segment_id',
      'title',
      'body',
      'link',
      'holdout_percent',
      'window_days',
      'offer_coupon_id',
      'status',
      'counts',
      'created_by',
      'created_at',
      'updated_at',
      'sent_at',
      'sent_by',
      'kind',
      'trigger',
      'activated_at',
    ],
  },
  card_attempts: {
    // A card checkout's attempt (orders/card-attempts): the cart and the acquirer's references, kept as
    // payments are (the acquirer's records name the same charge). With Stripe, while she confirms her card
    // (minutes), her checkout body (a guest's name, e-mail, phone) and who she is, so the webhook can place
    // her order (orders/place-order/unattended.ts): cleared in the UPDATE that ends the attempt.
    personal: {
      checkout_input: {
        export: '— (kept only while her card payment waits, minutes)',
        erase: 'nulled when the attempt ends; nulled at erasure (eraseWaitingCheckouts)',
      },
      acting_as: {
        export: '— (kept only while her card payment waits, minutes)',
        erase: 'nulled when the attempt ends; nulled at erasure (eraseWaitingCheckouts)',
      },
    },
    none: [
      'id',
      'cart_id',
      'provider_key',
      'provider',
      'reservation_ids',
      'status',
      'lease_until',
      'charge_id',
      'order_id',
      'created_at',
      'updated_at',
    ],
  },
  cart_lines: {
    kept: { cart_id: 'carts.lines', variant_id: 'carts.lines', quantity: 'carts.lines', added_at: 'carts.lines' },
  },
  carts: {
    personal: {
      device_id: { export: 'carts', erase: 'nulled' },
      fulfilment: { export: 'carts', erase: 'nulled (delivery name, phone, address)' },
    },
    kept: {
      id: 'carts',
      customer_id: 'carts',
      channel: 'carts',
      status: 'carts',
      order_id: 'carts',
      created_at: 'carts',
    },
    none: ['location_id', 'coupons', 'updated_at'],
  },
  categories: { none: ['id', 'name', 'name_kana', 'name_en', 'parent_id', 'sort', 'not_scan_and_go'] },
  // 特集 (storefront): the catalogue's own lists, about no customer.
  collection_products: { none: ['collection_id', 'product_id', 'position'] },
  collections: {
    none: [
      'id',
      'name',
      'name_en',
      'description',
      'kind',
      'category_id',
      'new_within_days',
      'featured',
      'sort',
      'created_at',
      'updated_at',
    ],
  },
  consent_history: {
    kept: {
      id: 'consents.history',
      customer_id: 'consents.history',
      channel: 'consents.history',
      purpose: 'consents.history',
      granted: 'consents.history',
      actor: 'consents.history',
      source: 'consents.history',
      at: 'consents.history',
    },
  },
  coupon_codes: {
    // A code issued to her account (a campaign's offer): tied to her by id only, kept so the campaign's
    // issued and redeemed figures stay whole; exported as her coupons.
    kept: { customer_id: 'coupons', code: 'coupons', created_at: 'coupons', redeemed_at: 'coupons' },
    none: ['coupon_id', 'batch_id', 'order_id', 'issued_for'],
  },
  coupon_redemptions: {
    kept: { customer_id: 'orders.discounts', code: 'orders.discounts', amount: 'orders.discounts' },
    none: [
      'id',
      'coupon_id',
      'promotion_id',
      'single_use',
      'order_id',
      'issued_channel',
      'channel',
      'location_id',
      'created_at',
      'released_at',
    ],
  },
  coupons: {
    none: [
      'id',
      'code',
      'promotion_id',
      'kind',
      'per_customer_limit',
      'starts_at',
      'ends_at',
      'issued_channel',
      'campaign',
      'created_at',
    ],
  },
  customer_consents: {
    personal: Object.fromEntries(
      ['customer_id', 'channel', 'purpose', 'granted', 'updated_at'].map((c) => [
        c,
        { export: 'consents.items', erase: 'row deleted' },
      ]),
    ),
  },
  customer_addresses: {
    // Her address book (お届け先), picked at checkout.
    personal: Object.fromEntries(
      [
        'customer_id',
        'label',
        'postal_code',
        'prefecture',
        'city',
        'line1',
        'line2',
        'name',
        'phone',
        'lat',
        'lng',
        'is_default',
        'created_at',
      ].map((c) => [c, { export: 'addresses', erase: 'row deleted' }]),
    ),
    none: ['id', 'updated_at'],
  },
  customer_positions: {
    // Her last reported position (位置情報), only with her location consent; 7 days at most.
    personal: Object.fromEntries(
      ['customer_id', 'lat', 'lng', 'accuracy', 'at'].map((c) => [c, { export: 'position', erase: 'row deleted' }]),
    ),
  },
  analytics_order_sales: {
    // Each order's share of the sales rollups (analytics/rollups.ts): derived from her orders, which are kept
    // under her pseudonymous id; the member id is only what the omni-channel headline counts by.
    kept: { customer_id: '— (a summary of her orders, exported as orders)' },
    none: [
      'order_id',
      'category_id',
      'sold_on',
      'location_id',
      'channel',
      'orders',
      'units',
      'gross',
      'discount',
      'returned',
      'net',
      'net_excl',
    ],
  },
  analytics_sales_daily: {
    // Sales per day, store, channel and category: no person in them.
    none: [
      'sold_on',
      'location_id',
      'channel',
      'category_id',
      'orders',
      'units',
      'gross',
      'discount',
      'returned',
      'net',
      'net_excl',
    ],
  },
  analytics_omni_members: {
    // The omni table kept per member (analytics/omni-kept.ts): counts of her orders per channel, derived from
    // her orders, which are kept under her pseudonymous id; rebuilt daily.
    kept: { customer_id: '— (a summary of her orders, exported as orders)' },
    none: [
      'from_date',
      'scope',
      'now_web',
      'now_app',
      'now_store',
      'now_line',
      'now_net',
      'before_web',
      'before_app',
      'before_store',
      'before_line',
    ],
  },
  analytics_omni_log: {
    // What settling changed in those counts since the last rebuild (folded in and deleted daily).
    kept: { customer_id: '— (a summary of her orders, exported as orders)' },
    none: ['id', 'location_id', 'channel', 'sold_on', 'orders', 'net'],
  },
  analytics_omni_windows: { none: ['from_date', 'days', 'built_at'] },
  analytics_cohort_months: {
    // コホート kept per person (analytics/cohort-kept.ts): her orders and value per month, derived from her
    // orders, which are kept under her pseudonymous id.
    kept: { person_id: '— (a summary of her orders, exported as orders)' },
    none: ['scope', 'month', 'orders', 'net', 'net_excl'],
  },
  analytics_cohort_people: {
    // Her cohort, first channel and value to date; her tier leaves on erasure (eraseCohortTier).
    kept: { person_id: '— (a summary of her orders, exported as orders)' },
    none: ['scope', 'cohort', 'channel', 'tier', 'orders', 'net', 'net_excl'],
  },
  analytics_cohort_cells: { none: ['scope', 'cohort', 'month', 'buyers', 'net', 'net_excl'] },
  analytics_ltv_cells: { none: ['scope', 'cohort', 'channel', 'tier', 'members', 'orders', 'net', 'net_excl'] },
  analytics_cohort_fill: { none: ['name', 'filled_at'] },
  // クーポン効果 kept per use and per day (analytics/coupon-kept.ts): no person, only the order and counts.
  analytics_coupon_uses: {
    none: [
      'redemption_id',
      'order_id',
      'used_on',
      'issued_on',
      'promotion_id',
      'campaign_id',
      'issue_channel',
      'channel',
      'location_id',
      'discount',
      'sales',
    ],
  },
  analytics_coupon_daily: {
    none: [
      'used_on',
      'location_id',
      'promotion_id',
      'campaign_id',
      'issue_channel',
      'channel',
      'redeemed',
      'discount',
      'sales',
    ],
  },
  analytics_coupon_codes_daily: { none: ['issued_on', 'promotion_id', 'campaign_id', 'issued', 'used'] },
  analytics_coupon_fill: { none: ['name', 'through', 'at'] },
  // The business on receipts (locations/business.ts): a company's public details; updated_by is a staff id.
  business_profile: {
    none: [
      'id',
      'name',
      'registration_number',
      'address',
      'phone',
      'logo',
      'logo_updated_at',
      'updated_at',
      'updated_by',
    ],
  },
  receipt_printers: {
    none: ['location_id', 'host', 'port', 'enabled', 'drawer_kick', 'auto_print', 'updated_at', 'updated_by'],
  },
  analytics_omni_totals: { none: ['from_date', 'scope', 'kind', 'omni', 'customers', 'orders', 'spend'] },
  analytics_settled_orders: { none: ['order_id', 'order_updated_at', 'settled_at'] },
  analytics_settle_cursor: { none: ['name', 'created_at', 'order_id'] },
  // 需要予測 kept: units per item and location, and the run's accuracy by location and department.
  analytics_demand_forecasts: {
    none: ['location_id', 'variant_id', 'product_id', 'method', 'daily', 'units', 'last28', 'sd28'],
  },
  analytics_forecast_runs: { none: ['name', 'from_date', 'computed_at', 'items', 'accuracy'] },
  // 欠品・機会損失: spells with nothing on hand per item and location, and the ledger walk's cursor.
  analytics_stockouts: {
    none: [
      'variant_id',
      'location_id',
      'out_at',
      'back_at',
      'first_day',
      'last_day',
      'daily_rate',
      'signals_at',
      'rolled_through',
    ],
  },
  // The same per item, store and Japan month (days out, lost units, signals): no person.
  analytics_stockout_months: {
    none: [
      'variant_id',
      'location_id',
      'month',
      'days',
      'lost',
      'rate',
      'open',
      'first_day',
      'last_day',
      'views',
      'refused',
      'requests',
    ],
  },
  analytics_stockout_cursor: { none: ['name', 'seen_at'] },
  // Counts per item, store and day out of stock (views, refused checkouts, wishes): no person.
  analytics_stockout_signals: { none: ['variant_id', 'location_id', 'day', 'views', 'refused', 'requests'] },
  // A checkout refused for want of stock (orders/refused-checkouts.ts): the cart's id only, no person.
  checkout_refusals: { none: ['refused_on', 'variant_id', 'location_id', 'cart_id', 'refused_at'] },
  customer_purchase_facts: {
    // A summary of her orders for segments (orders/purchase-facts.ts): derived from her orders, which are kept
    // under her pseudonymous id, and recomputed from them; not exported on its own (her orders are).
    kept: Object.fromEntries(
      ['customer_id', 'last_at', ...[30, 90, 180, 365].flatMap((d) => [`orders${d}`, `spend${d}`, `channels${d}`])].map(
        (c) => [c, '— (a summary of her orders, exported as orders)'],
      ),
    ),
    none: ['expires_at', 'refreshed_at'],
  },
  customer_product_purchases: {
    // What she bought per product, kept with her purchase facts for segments: derived from her orders like them.
    kept: {
      customer_id: '— (a summary of her orders, exported as orders)',
      product_id: '— (a summary of her orders, exported as orders)',
      last_at: '— (a summary of her orders, exported as orders)',
    },
  },
  customer_store_visits: {
    // Her last store visit, kept from her timeline by triggers: erased with it (the trigger deletes the row).
    personal: {
      customer_id: { export: 'events', erase: 'row deleted with her timeline' },
      last_at: { export: 'events', erase: 'row deleted with her timeline' },
    },
  },
  customer_category_interest: {
    // When she last looked at something in each category, kept from her timeline by triggers: erased with it.
    personal: {
      customer_id: { export: 'events', erase: 'row deleted with her timeline' },
      category_id: { export: 'events', erase: 'row deleted with her timeline' },
      last_at: { export: 'events', erase: 'row deleted with her timeline' },
    },
  },
  customer_events: {
    personal: Object.fromEntries(
      [
        'id',
        'type',
        'occurred_at',
        'received_at',
        'channel',
        'device_id',
        'customer_id',
        'location_id',
        'source',
        'payload',
        'product_id',
      ].map((c) => [c, { export: 'events', erase: 'row deleted' }]),
    ),
  },
  customer_identifiers: {
    personal: Object.fromEntries(
      ['kind', 'value', 'customer_id', 'created_at'].map((c) => [c, { export: 'identifiers', erase: 'row deleted' }]),
    ),
  },
  customer_merges: {
    personal: { reason: { export: 'merges', erase: 'emptied' } },
    kept: { id: 'merges', survivor_id: 'merges', merged_id: 'merges', created_at: 'merges', undone_at: 'merges' },
    none: ['staff_id', 'moved', 'undone_by'],
  },
  customer_sessions: {
    // Her signed-in devices: where and when she signed in (「ログイン中の端末」); the token's hash is a secret.
    personal: {
      token_hash: { export: secret, erase: 'row deleted' },
      ...Object.fromEntries(
        ['customer_id', 'device_id', 'created_at', 'expires_at', 'revoked_at', 'user_agent', 'ip', 'last_seen_at'].map(
          (c) => [c, { export: 'sessions', erase: 'row deleted' }],
        ),
      ),
    },
  },
  customers: {
    personal: {
      name: { export: 'profile', erase: 'nulled' },
      name_kana: { export: 'profile', erase: 'nulled' },
      search_key: { export: internal, erase: 'emptied' },
      birthday: { export: 'profile', erase: 'nulled' },
      password_hash: { export: secret, erase: 'nulled' },
      pin_hash: { export: secret, erase: 'nulled' },
      home_location_id: { export: 'profile', erase: 'nulled' },
    },
    kept: {
      id: 'profile',
      member_number: 'profile (the pseudonym’s number: no longer leads to a person)',
      status: 'profile',
      merged_into: 'merges',
      tier: 'profile',
      created_at: 'profile',
      updated_at: 'profile',
      deleted_at: '— (set at deletion)',
    },
  },
  fulfilments: {
    personal: { address: { export: 'orders.fulfilments', erase: 'nulled (name, phone, address, pin)' } },
    kept: {
      id: 'orders.fulfilments',
      order_id: 'orders.fulfilments',
      type: 'orders.fulfilments',
      location_id: 'orders.fulfilments',
      status: 'orders.fulfilments',
      slot_start: 'orders.fulfilments',
      pickup_code: 'orders.fulfilments',
      deadline: 'orders.fulfilments',
      ready_at: 'orders.fulfilments',
      completed_at: 'orders.fulfilments',
    },
    none: ['reservation_id', 'updated_at'],
  },
  idempotency_keys: {
    personal: {
      principal: { export: internal, erase: 'row deleted (hers, or an answer naming her)' },
      response_body: { export: internal, erase: 'row deleted (hers, or an answer naming her)' },
    },
    none: [
      'key',
      'method',
      'path',
      'request_hash',
      'status',
      'response_status',
      'response_type',
      'created_at',
      'completed_at',
      'owner',
      'lease_until',
    ],
  },
  locations: {
    none: [
      'id',
      'code',
      'pickup_days',
      'name',
      'name_kana',
      'name_en',
      'kind',
      'prefecture',
      'city',
      'address',
      'postal_code',
      'phone',
      'lat',
      'lng',
      'timezone',
      'opening_hours',
      'services',
      'nearest_station',
      'amenities',
      'active',
      'created_at',
    ],
  },
  store_events: {
    // 店舗イベント on the store page: the store's, written by its manager or head office.
    none: [
      'id',
      'location_id',
      'title',
      'description',
      'starts_at',
      'ends_at',
      'created_by',
      'created_at',
      'updated_at',
    ],
  },
  login_attempts: {
    personal: {
      key: { export: internal, erase: 'row deleted (keys holding her e-mail or phone)' },
      code_hash: { export: internal, erase: 'row deleted (the sign-in code e-mailed to her)' },
    },
    none: [
      'window_start',
      'count',
      'last_at',
      'checked',
      'blocked_until',
      'refused',
      'code_expires_at',
      'code_attempts',
    ],
  },
  message_clicks: {
    // Her first click on a marketing message's link per channel (notifications/links.ts).
    personal: Object.fromEntries(
      ['key', 'customer_id', 'channel', 'at'].map((c) => [c, { export: 'clicks', erase: 'row deleted' }]),
    ),
  },
  notifications: {
    personal: Object.fromEntries(
      ['id', 'customer_id', 'kind', 'title', 'body', 'payload', 'dedupe_key', 'created_at', 'read_at'].map((c) => [
        c,
        { export: 'notices', erase: 'row deleted' },
      ]),
    ),
  },
  order_lines: {
    kept: Object.fromEntries(
      [
        'id',
        'order_id',
        'fulfilment_id',
        'variant_id',
        'product_id',
        'name',
        'options',
        'jan',
        'quantity',
        'unit_price',
        'tax_rate',
        'discount',
        'total',
        'returned_quantity',
      ].map((c) => [c, 'orders.lines']),
    ),
  },
  order_slots: { none: ['location_id', 'kind', 'slot_start', 'capacity', 'booked', 'updated_at'] },
  orders: {
    personal: { guest: { export: 'orders', erase: 'nulled (guest name, e-mail, phone)' } },
    kept: Object.fromEntries(
      [
        'id',
        'number',
        'channel',
        'location_id',
        'customer_id',
        'status',
        'subtotal',
        'discount_total',
        'shipping_fee',
        'total',
        'taxes',
        'discounts',
        'points_used',
        'points_earned',
        'created_at',
      ].map((c) => [c, 'orders']),
    ),
    none: ['cart_id', 'client_transaction_id', 'staff_id', 'updated_at', 'offline_at'],
  },
  outbox: {
    personal: {
      recipient: { export: 'messages', erase: "'erased' (rows to her addresses)" },
      payload: { export: 'messages', erase: 'emptied' },
      dedupe_key: { export: internal, erase: 'nulled (it ends in her address)' },
      last_error: { export: internal, erase: 'replaced (a refusal may quote her address)' },
    },
    kept: { id: 'messages', channel: 'messages', template: 'messages', created_at: 'messages', sent_at: 'messages' },
    none: ['attempts', 'next_attempt_at', 'lease_until', 'claim_token', 'dead_at', 'last_status'],
  },
  password_reset_codes: {
    personal: Object.fromEntries(
      ['id', 'customer_id', 'code_hash', 'attempts', 'expires_at', 'used_at', 'created_at', 'purpose'].map((c) => [
        c,
        { export: secret, erase: 'row deleted (reset and presence codes)' },
      ]),
    ),
  },
  payments: {
    kept: Object.fromEntries(
      [
        'id',
        'order_id',
        'method',
        'amount',
        'captured_amount',
        'refunded_amount',
        'status',
        'tendered',
        'created_at',
      ].map((c) => [c, 'orders.payments']),
    ),
    none: ['provider', 'provider_ref', 'details', 'updated_at'],
  },
  personal_data_requests: {
    kept: { id: 'requests', customer_id: 'requests', kind: 'requests', actor: 'requests', at: 'requests' },
  },
  point_allocations: { kept: { entry_id: 'points.entries', lot_id: 'points.lots', points: 'points.lots' } },
  point_campaigns: {
    none: ['id', 'name', 'multiplier', 'channel', 'location_id', 'starts_at', 'ends_at', 'created_at'],
  },
  point_entries: {
    kept: Object.fromEntries(
      [
        'id',
        'customer_id',
        'kind',
        'points',
        'reference',
        'reason',
        'spend',
        'channel',
        'location_id',
        'created_at',
      ].map((c) => [c, 'points.entries']),
    ),
    none: ['staff_id', 'reverses'],
  },
  point_lots: {
    kept: Object.fromEntries(
      ['id', 'customer_id', 'entry_id', 'points', 'remaining', 'earned_at', 'expires_at'].map((c) => [
        c,
        'points.lots',
      ]),
    ),
  },
  // Recommendations: products and counts of members only, no member in them (docs/recommendations.md).
  product_neighbours: { none: ['product_id', 'rank', 'neighbour_id', 'score', 'together'] },
  // Product pictures: the catalogue's, no member in them (docs/images.md).
  product_images: {
    none: ['id', 'product_id', 'colour', 'position', 'alt', 'base', 'widths', 'width', 'height', 'created_at'],
  },
  product_popularity: { none: ['product_id', 'buyers', 'rank'] },
  recommendation_runs: { none: ['id', 'started_at', 'finished_at', 'lease_until', 'members', 'products', 'pairs'] },
  products: {
    none: [
      'id',
      'code',
      'name',
      'name_kana',
      'description',
      'category_id',
      'tax_rate',
      'status',
      'search_text',
      'search_grams',
      'sort_key',
      'name_key',
      'price_min',
      'price_max',
      'active_variants',
      'created_at',
      'updated_at',
    ],
  },
  promotions: {
    none: [
      'id',
      'name',
      'description',
      'kind',
      'params',
      'target',
      'conditions',
      'starts_at',
      'ends_at',
      'priority',
      'stackable',
      'active',
      'requires_coupon',
      'created_by',
      'created_at',
      'updated_at',
    ],
  },
  push_subscriptions: {
    // Her browsers that receive Web Push (notifications/push.ts).
    personal: {
      id: { export: internal, erase: 'row deleted' },
      customer_id: { export: internal, erase: 'row deleted' },
      endpoint: { export: 'pushSubscriptions', erase: 'row deleted' },
      p256dh: { export: secret, erase: 'row deleted' },
      auth: { export: secret, erase: 'row deleted' },
      user_agent: { export: 'pushSubscriptions', erase: 'row deleted' },
      created_at: { export: 'pushSubscriptions', erase: 'row deleted' },
    },
  },
  reservation_lines: { none: ['reservation_id', 'variant_id', 'location_id', 'quantity'] },
  reservations: {
    kept: { reference: '— (an order or the customer id: stock’s reason)' },
    none: ['id', 'status', 'reason', 'expires_at', 'created_by', 'created_at', 'updated_at'],
  },
  return_lines: {
    kept: Object.fromEntries(
      ['return_id', 'order_line_id', 'variant_id', 'quantity', 'condition', 'amount'].map((c) => [c, 'returns.lines']),
    ),
  },
  returns: {
    kept: Object.fromEntries(
      [
        'id',
        'order_id',
        'location_id',
        'reason',
        'refund_method',
        'refund_total',
        'refunds',
        'points_reversed',
        'points_unrecovered',
        'created_at',
      ].map((c) => [c, 'returns']),
    ),
    none: ['staff_id', 'idempotency_key'],
  },
  segments: {
    // Head office's saved segments: rules over members, no member in them (evaluated afresh each time).
    none: ['store_scope', 'id', 'name', 'description', 'rules', 'created_by', 'created_at', 'updated_at'],
  },
  settings: { none: ['key', 'value', 'updated_at'] },
  // Which events integrations want now (platform/event-demand.ts): machinery.
  event_demand: { none: ['event', 'source'] },
  slot_settings: { none: ['location_id', 'kind', 'capacity', 'updated_at'] },
  staff_locations: { none: ['staff_id', 'location_id'] },
  staff_notes: {
    personal: Object.fromEntries(
      ['id', 'customer_id', 'staff_id', 'location_id', 'body', 'created_at'].map((c) => [
        c,
        { export: 'staffNotes', erase: 'row deleted' },
      ]),
    ),
  },
  // A staff member's own sessions (her device and address: an employee's data, not a customer's).
  // Integrations' API tokens: a hash, a name the owner gave, scopes; whose they are is a staff id.
  api_tokens: {
    none: [
      'id',
      'staff_id',
      'name',
      'token_hash',
      'hint',
      'scopes',
      'created_at',
      'last_used_at',
      'revoked_at',
      'revoked_by',
    ],
  },
  staff_sessions: {
    none: ['token_hash', 'staff_id', 'created_at', 'expires_at', 'revoked_at', 'user_agent', 'ip', 'last_seen_at'],
  },
  // Staff accounts are the staff module's (an employee's data, not a customer's).
  staff_users: {
    none: [
      'id',
      'email',
      'name',
      'password_hash',
      'role',
      'active',
      'created_at',
      'totp_secret',
      'totp_enabled_at',
      'totp_last_step',
      'pin_hash',
    ],
  },
  stock_levels: {
    none: [
      'variant_id',
      'location_id',
      'on_hand',
      'reserved',
      'in_transit',
      'reorder_point',
      'next_expiry',
      'updated_at',
    ],
  },
  till_sessions: {
    // A store's till sessions (レジ開け・レジ締め): float, counted cash, the Z report's totals; staff, no customer.
    none: [
      'id',
      'location_id',
      'register_name',
      'float',
      'opened_by',
      'opened_at',
      'closed_by',
      'closed_at',
      'counted',
      'counted_cash',
      'expected_cash',
      'over_short',
      'z_number',
      'report',
      'note',
    ],
  },
  till_cash_movements: {
    // Cash put into or taken out of a drawer (入金・出金) and the clerk's reason (両替, 小口払い): no customer.
    none: ['id', 'session_id', 'kind', 'amount', 'reason', 'staff_id', 'created_at'],
  },
  stock_reconciliations: {
    kept: { reference: '— (the till sale it came from)' },
    none: ['id', 'variant_id', 'location_id', 'quantity', 'created_at', 'resolved_at', 'resolved_by'],
  },
  stock_movements: {
    kept: { reference: '— (the order it moved for)' },
    none: [
      'id',
      'variant_id',
      'location_id',
      'kind',
      'quantity',
      'on_hand_after',
      'reason',
      'transfer_id',
      'reservation_id',
      'staff_id',
      'created_at',
    ],
  },
  // The test card provider's own book (a real provider keeps it outside Musubi).
  test_provider_charges: {
    none: [
      'id',
      'idempotency_key',
      'amount',
      'captured',
      'refunded',
      'status',
      'card_last4',
      'created_at',
      'refund_keys',
    ],
  },
  trigger_occasions: {
    // Which of her orders a service reminder (お知らせ（自動）) was sent about: kept with the firings.
    kept: { customer_id: 'campaigns', occasion: 'campaigns', fired_at: 'campaigns' },
    none: ['campaign_id'],
  },
  trigger_states: {
    // How often a trigger campaign fired for her and on what (a cart touch's time): kept with the firings.
    kept: { customer_id: 'campaigns', firings: 'campaigns', last_fired_at: 'campaigns', occasion: 'campaigns' },
    none: ['campaign_id'],
  },
  transfers: {
    none: [
      'id',
      'variant_id',
      'from_location_id',
      'to_location_id',
      'quantity',
      'status',
      'reference',
      'created_by',
      'received_by',
      'created_at',
      'received_at',
    ],
  },
  variants: { none: ['id', 'product_id', 'sku', 'jan', 'price', 'options', 'status', 'created_at'] },
  wallet_entries: {
    kept: Object.fromEntries(
      [
        'id',
        'customer_id',
        'kind',
        'amount',
        'method',
        'reference',
        'reason',
        'channel',
        'location_id',
        'expires_at',
        'details',
        'created_at',
      ].map((c) => [c, 'wallet.entries']),
    ),
    none: ['staff_id'],
  },
  wallet_top_ups: {
    // Her top-ups (チャージ): amounts and how they were paid, tied to her by id — kept with the wallet ledger.
    kept: Object.fromEntries(
      [
        'id',
        'customer_id',
        'method',
        'amount',
        'status',
        'channel',
        'location_id',
        'cash_received',
        'change',
        'card_last4',
        'failure',
        'created_at',
        'completed_at',
      ].map((c) => [c, 'wallet.topUps']),
    ),
    none: ['key', 'staff_id', 'provider', 'provider_key', 'charge_id', 'entry_id', 'lease_until'],
  },
  webhook_endpoints: {
    none: [
      'id',
      'url',
      'secret',
      'events',
      'active',
      'created_at',
      'signature',
      'previous_secret',
      'previous_secret_until',
    ],
  },
};

/** Every classified column as `table.column`. */
export function classifiedColumns(): Set<string> {
  const all = new Set<string>();
  for (const [table, c] of Object.entries(personalColumns))
    for (const column of [...Object.keys(c.personal ?? {}), ...Object.keys(c.kept ?? {}), ...(c.none ?? [])])
      all.add(`${table}.${column}`);
  return all;
}
