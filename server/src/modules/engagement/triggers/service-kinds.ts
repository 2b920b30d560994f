/**
 * The service (transactional) trigger kinds — お知らせ（自動）: what the customer needs to hear about her own
 * order, not marketing. Fired once per occasion (the order and its stage), never held out, capped or gated
 * by marketing consent, and sent through notifications' order-notice path (inbox, LINE if linked, the
 * `order.*` webhook). Their campaigns are made by migration 0033, always on: HQ edits the words and hours.
 * A leaf module, so the engine and the campaign rules can ask without importing the registry.
 */
export const SERVICE_KINDS = ['hold_expiring', 'pickup_waiting'] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const isServiceKind = (kind: string | null | undefined): kind is ServiceKind =>
  (SERVICE_KINDS as readonly string[]).includes(kind ?? '');
