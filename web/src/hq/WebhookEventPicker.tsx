import type { paths } from '../shared/api/schema';
import { useT } from '../shared/i18n';

/** What an endpoint may subscribe to, from the OpenAPI document: '*', a family ('order.*') or one event. */
export type EventPattern = NonNullable<
  paths['/api/webhooks']['post']['requestBody']
>['content']['application/json']['events'][number];
type EventName = Exclude<EventPattern, '*' | `${string}.*`>;

/** Every event, in the order the screen lists them (a Record: the compiler says when the server adds one). */
const EVENTS: Record<EventName, true> = {
  'inventory.level_changed': true,
  'inventory.low': true,
  'product.created': true,
  'product.updated': true,
  'product.archived': true,
  'price.changed': true,
  'customer.created': true,
  'customer.updated': true,
  'customer.merged': true,
  'customer.deleted': true,
  'order.placed': true,
  'order.picking': true,
  'order.ready': true,
  'order.picked_up': true,
  'order.shipped': true,
  'order.delivered': true,
  'order.cancelled': true,
  'order.hold_expiring': true,
  'return.created': true,
  'refund.succeeded': true,
  'points.changed': true,
  'appointment.booked': true,
  'appointment.checked_in': true,
  'appointment.completed': true,
  'appointment.no_show': true,
  'appointment.cancelled': true,
};

type Family = EventName extends `${infer F}.${string}` ? F : never;
const families = [...new Set(Object.keys(EVENTS).map((n) => n.split('.')[0]! as Family))];
const eventsOf = (family: string) => (Object.keys(EVENTS) as EventName[]).filter((n) => n.startsWith(`${family}.`));

/** A subscription in the screen's words: すべてのイベント, 在庫のすべて, or the event's own name. */
export function patternLabel(t: ReturnType<typeof useT>, p: EventPattern): string {
  if (p === '*') return t('hq.webhooks.all');
  if (p.endsWith('.*'))
    return t('hq.webhooks.familyAll', { family: t(`hq.webhooks.family.${p.slice(0, -2) as Family}`) });
  return t(`hq.deliveries.event.${p as EventName}`);
}

/**
 * The events an endpoint hears, as HQ picks them: everything, a whole family (注文のすべて), or single events —
 * each with its Japanese name. A wider choice covers the narrower ones, which show ticked and fixed.
 */
export function WebhookEventPicker({
  value,
  onChange,
}: {
  value: readonly EventPattern[];
  onChange: (next: EventPattern[]) => void;
}) {
  const t = useT();
  const has = (p: EventPattern) => value.includes(p);
  const toggle = (p: EventPattern, on: boolean, narrower: (q: EventPattern) => boolean = () => false) =>
    onChange(on ? [...value.filter((q) => !narrower(q)), p] : value.filter((q) => q !== p));
  const all = has('*');
  return (
    <fieldset className="webhook-events" data-testid="event-picker">
      <legend>
        <strong>{t('hq.webhooks.eventsLegend')}</strong>
      </legend>
      <label className="block">
        <input type="checkbox" checked={all} onChange={(e) => toggle('*', e.target.checked, () => true)} />
        <span>{t('hq.webhooks.all')}</span> <code>*</code>
      </label>
      {families.map((family) => {
        const whole = `${family}.*` as EventPattern;
        const familyOn = all || has(whole);
        const familyName = t(`hq.webhooks.family.${family}`);
        return (
          <div key={family} className="webhook-family">
            <label className="block">
              <input
                type="checkbox"
                checked={familyOn}
                disabled={all}
                onChange={(e) => toggle(whole, e.target.checked, (q) => q.startsWith(`${family}.`))}
              />
              <strong>{t('hq.webhooks.familyAll', { family: familyName })}</strong> <code>{whole}</code>
            </label>
            {eventsOf(family).map((name) => (
              <label key={name} className="block indent">
                <input
                  type="checkbox"
                  checked={familyOn || has(name)}
                  disabled={familyOn}
                  onChange={(e) => toggle(name, e.target.checked)}
                />
                <span>{t(`hq.deliveries.event.${name}`)}</span> <code>{name}</code>
              </label>
            ))}
          </div>
        );
      })}
    </fieldset>
  );
}
