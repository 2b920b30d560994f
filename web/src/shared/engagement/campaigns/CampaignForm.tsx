import { useState, type FormEvent } from 'react';
import { useLang, useT } from '../../i18n';
import { locationName, useLocations } from '../../locations';
import { Button, fieldError, ProblemBanner, SelectField, TextAreaField, TextField } from '../../ui';
import type { CampaignBody } from '../../api/types';
import { useSegments } from '../segments/useSegments';
import { discountText } from '../../customer/Coupons';
import { useCreateCampaign } from './useCampaigns';
import { useOfferChoices } from './useOffers';
import type { EngagementScope } from '../scope';

const KINDS = [
  'segment',
  'near_store',
  'cart_abandoned',
  'back_in_stock',
  'birthday',
  'tier_up',
  'points_expiring',
] as const;
type Kind = (typeof KINDS)[number];
/** The {{variables}} each trigger's message may use (the server refuses others). */
const VARIABLES: Record<Kind, string[]> = {
  segment: [],
  near_store: ['store', 'distance'],
  cart_abandoned: ['store'],
  birthday: ['name'],
  tier_up: ['tier'],
  points_expiring: ['points', 'date'],
  back_in_stock: ['product', 'store', 'units'],
};

const empty = {
  name: '',
  segmentId: '',
  title: '',
  body: '',
  link: '',
  holdoutPercent: '10',
  radiusM: '300',
  cooldownDays: '7',
  locationId: '',
  idleHours: '24',
  daysBefore: '0',
  withinDays: '30',
  minPoints: '100',
  factor: '2',
  onlineTitle: '',
  onlineBody: '',
  offerCouponId: '',
};

/**
 * A new campaign: sent once to a saved segment, or always on (店舗の近く, カート放置, 再入荷, 誕生日 …) with its condition; then
 * the message (title, body, a link on this site) and the holdout. A store manager's is a segment campaign
 * for her store's members (trigger campaigns are head office's); the server records her store as its scope.
 */
export function CampaignForm({
  onCreated,
  scope = 'hq',
}: {
  onCreated: (id: string) => void;
  scope?: EngagementScope;
}) {
  const t = useT();
  const lang = useLang();
  const segments = useSegments();
  const stores = useLocations().data?.filter((l) => l.kind === 'store') ?? [];
  const offers = useOfferChoices();
  const [kind, setKind] = useState<Kind>('segment');
  const [f, setF] = useState(empty);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const create = useCreateCampaign((id) => {
    setF(empty);
    setKind('segment');
    onCreated(id);
  });
  // Choosing a trigger fills in its usual words (she edits them); nothing she typed is overwritten.
  const chooseKind = (k: Kind) => {
    setKind(k);
    const words =
      k === 'near_store'
        ? { title: t('hq.campaigns.defaultNearTitle'), body: t('hq.campaigns.defaultNearBody'), link: '/shop' }
        : k === 'cart_abandoned'
          ? {
              title: t('hq.campaigns.defaultCartTitle'),
              body: t('hq.campaigns.defaultCartBody'),
              link: '/shop/cart',
              onlineTitle: t('hq.campaigns.defaultOnlineTitle'),
              onlineBody: t('hq.campaigns.defaultOnlineBody'),
            }
          : k === 'back_in_stock'
            ? {
                title: t('hq.campaigns.defaultRestockTitle'),
                body: t('hq.campaigns.defaultRestockBody'),
                cooldownDays: '1',
              }
            : k === 'birthday'
              ? {
                  title: t('hq.campaigns.defaultBirthdayTitle'),
                  body: t('hq.campaigns.defaultBirthdayBody'),
                  link: '/shop',
                }
              : k === 'tier_up'
                ? {
                    title: t('hq.campaigns.defaultTierTitle'),
                    body: t('hq.campaigns.defaultTierBody'),
                    link: '/account/card',
                    cooldownDays: '1',
                  }
                : k === 'points_expiring'
                  ? {
                      title: t('hq.campaigns.defaultExpiringTitle'),
                      body: t('hq.campaigns.defaultExpiringBody'),
                      link: '/account/points',
                      cooldownDays: '30',
                    }
                  : {};
    setF((cur) => ({
      ...cur,
      // A field still at its initial value was not typed by her: the kind's usual value replaces it.
      ...Object.fromEntries(
        Object.entries(words).filter(([key]) => {
          const k = key as keyof typeof cur;
          return !cur[k] || cur[k] === empty[k];
        }),
      ),
    }));
  };
  const trigger = (): CampaignBody['trigger'] =>
    kind === 'near_store'
      ? {
          kind,
          radiusM: Number(f.radiusM),
          cooldownDays: Number(f.cooldownDays),
          ...(f.locationId ? { locationIds: [f.locationId] } : {}),
        }
      : kind === 'cart_abandoned'
        ? {
            kind,
            idleHours: Number(f.idleHours),
            cooldownDays: Number(f.cooldownDays),
            onlineTitle: f.onlineTitle,
            onlineBody: f.onlineBody,
          }
        : kind === 'back_in_stock'
          ? { kind, factor: Number(f.factor), cooldownDays: Number(f.cooldownDays) }
          : kind === 'birthday'
            ? { kind, daysBefore: Number(f.daysBefore), cooldownDays: Number(f.cooldownDays) }
            : kind === 'tier_up'
              ? { kind, cooldownDays: Number(f.cooldownDays) }
              : kind === 'points_expiring'
                ? {
                    kind,
                    withinDays: Number(f.withinDays),
                    minPoints: Number(f.minPoints),
                    cooldownDays: Number(f.cooldownDays),
                  }
                : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: f.name,
      // An offer: one code per member at a segment campaign's sending, one per firing for a trigger.
      ...(kind === 'segment' ? { segmentId: f.segmentId } : { trigger: trigger() }),
      offerCouponId: f.offerCouponId || null,
      title: f.title,
      body: f.body,
      // 再入荷 always opens the product she asked about.
      link: kind === 'back_in_stock' ? null : f.link.trim() || null,
      holdoutPercent: Number(f.holdoutPercent),
    });
  };
  const err = (field: string) => fieldError(create.error, field);
  const labels = {
    name: t('hq.campaigns.name'),
    segmentId: t('hq.campaigns.segment'),
    title: t('hq.campaigns.messageTitle'),
    body: t('hq.campaigns.body'),
    link: t('hq.campaigns.link'),
    holdoutPercent: t('hq.campaigns.holdout'),
    offerCouponId: t('hq.campaigns.offer'),
    'trigger.radiusM': t('hq.campaigns.radius'),
    'trigger.cooldownDays': t('hq.campaigns.cooldown'),
    'trigger.idleHours': t('hq.campaigns.idleHours'),
    'trigger.daysBefore': t('hq.campaigns.daysBefore'),
    'trigger.withinDays': t('hq.campaigns.withinDays'),
    'trigger.minPoints': t('hq.campaigns.minPoints'),
    'trigger.factor': t('hq.campaigns.factor'),
    'trigger.onlineTitle': t('hq.campaigns.onlineTitle'),
    'trigger.onlineBody': t('hq.campaigns.onlineBody'),
  };
  const vars = VARIABLES[kind];
  const varsHint = vars.length
    ? t('hq.campaigns.variables', { vars: vars.map((v) => `{{${v}}}`).join(' ') })
    : undefined;
  return (
    <form className="card campaign-form" onSubmit={submit}>
      <h2>{t('hq.campaigns.new')}</h2>
      <TextField
        label={labels.name}
        value={f.name}
        onChange={set('name')}
        required
        maxLength={100}
        error={err('name')}
      />
      {scope === 'hq' && (
        <SelectField
          label={t('hq.campaigns.kind')}
          value={kind}
          onChange={(e) => chooseKind(e.target.value as Kind)}
          hint={t('hq.campaigns.kindHint')}
          name="kind"
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`hq.campaigns.kind.${k}`)}
            </option>
          ))}
        </SelectField>
      )}
      {kind === 'segment' && (
        <SelectField
          label={labels.segmentId}
          value={f.segmentId}
          onChange={set('segmentId')}
          required
          error={err('segmentId')}
          hint={t(scope === 'store' ? 'store.campaigns.segmentHint' : 'hq.campaigns.segmentHint')}
        >
          <option value="">{t('hq.campaigns.pickSegment')}</option>
          {(segments.data ?? []).map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
      )}
      {kind === 'near_store' && (
        <>
          <TextField
            label={labels['trigger.radiusM']}
            type="number"
            min={50}
            max={5000}
            value={f.radiusM}
            onChange={set('radiusM')}
            hint={t('hq.campaigns.radiusHint')}
            error={err('trigger.radiusM')}
          />
          <SelectField label={t('hq.campaigns.store')} value={f.locationId} onChange={set('locationId')}>
            <option value="">{t('hq.campaigns.allStores')}</option>
            {stores.map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
        </>
      )}
      {kind === 'cart_abandoned' && (
        <TextField
          label={labels['trigger.idleHours']}
          type="number"
          min={1}
          max={168}
          value={f.idleHours}
          onChange={set('idleHours')}
          hint={t('hq.campaigns.idleHoursHint')}
          error={err('trigger.idleHours')}
        />
      )}
      {kind === 'birthday' && (
        <TextField
          label={labels['trigger.daysBefore']}
          type="number"
          min={0}
          max={30}
          value={f.daysBefore}
          onChange={set('daysBefore')}
          hint={t('hq.campaigns.daysBeforeHint')}
          error={err('trigger.daysBefore')}
        />
      )}
      {kind === 'points_expiring' && (
        <>
          <TextField
            label={labels['trigger.withinDays']}
            type="number"
            min={1}
            max={90}
            value={f.withinDays}
            onChange={set('withinDays')}
            hint={t('hq.campaigns.withinDaysHint')}
            error={err('trigger.withinDays')}
          />
          <TextField
            label={labels['trigger.minPoints']}
            type="number"
            min={1}
            max={1000000}
            value={f.minPoints}
            onChange={set('minPoints')}
            hint={t('hq.campaigns.minPointsHint')}
            error={err('trigger.minPoints')}
          />
        </>
      )}
      {kind === 'back_in_stock' && (
        <TextField
          label={labels['trigger.factor']}
          type="number"
          min={1}
          max={10}
          value={f.factor}
          onChange={set('factor')}
          hint={t('hq.campaigns.factorHint')}
          error={err('trigger.factor')}
        />
      )}
      {kind !== 'segment' && (
        <TextField
          label={labels['trigger.cooldownDays']}
          type="number"
          min={1}
          max={90}
          value={f.cooldownDays}
          onChange={set('cooldownDays')}
          error={err('trigger.cooldownDays')}
        />
      )}
      <TextField
        label={labels.title}
        value={f.title}
        onChange={set('title')}
        required
        maxLength={100}
        hint={varsHint}
        error={err('title')}
      />
      <TextAreaField
        label={labels.body}
        value={f.body}
        onChange={set('body')}
        required
        maxLength={1000}
        rows={4}
        error={err('body')}
      />
      {kind === 'cart_abandoned' && (
        <>
          <TextField
            label={labels['trigger.onlineTitle']}
            value={f.onlineTitle}
            onChange={set('onlineTitle')}
            required
            maxLength={100}
            error={err('trigger.onlineTitle')}
          />
          <TextAreaField
            label={labels['trigger.onlineBody']}
            value={f.onlineBody}
            onChange={set('onlineBody')}
            required
            maxLength={1000}
            rows={2}
            error={err('trigger.onlineBody')}
          />
        </>
      )}
      {kind === 'back_in_stock' ? (
        <p className="muted">{t('hq.campaigns.restockLink')}</p>
      ) : (
        <TextField
          label={labels.link}
          value={f.link}
          onChange={set('link')}
          placeholder="/shop"
          hint={t('hq.campaigns.linkHint')}
          error={err('link')}
        />
      )}
      <SelectField
        label={labels.offerCouponId}
        value={f.offerCouponId}
        onChange={set('offerCouponId')}
        error={err('offerCouponId')}
        hint={t(
          kind !== 'segment'
            ? 'hq.campaigns.offerHintTrigger'
            : scope === 'store'
              ? 'store.campaigns.offerHint'
              : 'hq.campaigns.offerHint',
        )}
      >
        <option value="">{t('hq.campaigns.noOffer')}</option>
        {(offers.data ?? []).map((o) => (
          <option key={o.couponId} value={o.couponId}>
            {o.promotionName}（{discountText(t, o)}）
          </option>
        ))}
      </SelectField>
      <TextField
        label={labels.holdoutPercent}
        type="number"
        min={0}
        max={50}
        value={f.holdoutPercent}
        onChange={set('holdoutPercent')}
        hint={t('hq.campaigns.holdoutHint')}
        error={err('holdoutPercent')}
      />
      <ProblemBanner error={create.error} labels={labels} />
      <Button type="submit" variant="primary" busy={create.isPending}>
        {t('hq.campaigns.saveDraft')}
      </Button>
    </form>
  );
}
