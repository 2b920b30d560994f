import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SelectField, SuccessBanner, TextField, fieldError } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';
import { locationName, useLocations } from '../shared/locations';
import { labelOr } from './OrdersScreen';
import type { Coupon, CouponBatch, CouponRedemptions, Promotion } from '../shared/api/types';
import { saveFile } from '../shared/save-file';

const CHANNELS = ['web', 'app', 'store', 'line'] as const;

/** A datetime-local value (no zone) is Tokyo time. */
const tokyo = (local: string) =>
  local ? new Date(`${local.length === 16 ? `${local}:00` : local}+09:00`).toISOString() : null;

function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () =>
      call(api.GET('/api/categories')) as Promise<{
        items: Array<{ id: string; name: string; nameEn?: string | null }>;
      }>,
    staleTime: 5 * 60_000,
    select: (d) => d.items,
  });
}

const KINDS = ['percent_off', 'amount_off', 'buy_x_get_y', 'bundle_price'] as const;
type Kind = (typeof KINDS)[number];
const TIERS = ['regular', 'silver', 'gold'] as const;
type Tier = (typeof TIERS)[number];
/** The number each kind asks for, and which parameter it is. */
const VALUE_LABEL = {
  percent_off: 'hq.promo.percent',
  amount_off: 'hq.promo.amount',
  buy_x_get_y: 'hq.promo.getPercent',
  bundle_price: 'hq.promo.bundlePrice',
} as const;
const VALUE_PARAM = {
  percent_off: 'percent',
  amount_off: 'amount',
  buy_x_get_y: 'percent',
  bundle_price: 'price',
} as const;

/** The params the API wants for a kind (promotions/schema.ts PromotionParams). */
function paramsOf(kind: Kind, n: number, f: { buy: string; get: string; quantity: string }) {
  if (kind === 'percent_off') return { percent: n };
  if (kind === 'amount_off') return { amount: n };
  if (kind === 'buy_x_get_y') return { buy: Number(f.buy), get: Number(f.get), percent: n || 100 };
  return { quantity: Number(f.quantity), price: n };
}

/** /hq/promotions — promotions, a form for every kind with its conditions, ending one; per promotion its coupons. */
export function PromotionsScreen() {
  const t = useT();
  const [showEnded, setShowEnded] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const promotions = useQuery({
    queryKey: ['hq', 'promotions', showEnded],
    queryFn: () =>
      call(api.GET('/api/promotions', { params: { query: showEnded ? {} : { active: 'true' } } })) as Promise<{
        items: Promotion[];
      }>,
  });
  const selected = promotions.data?.items.find((p) => p.id === open) ?? null;

  return (
    <main className="page store hq-promotions">
      <h1>{t('hq.promotions.title')}</h1>
      <PromotionForm />
      <section className="card">
        <h2>{t('hq.promotions.list')}</h2>
        <label className="check">
          <input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />{' '}
          {t('hq.promotions.showEnded')}
        </label>
        <ProblemBanner error={promotions.error} />
        <PromotionTable
          rows={promotions.data?.items ?? []}
          empty={promotions.isPending ? t('common.loading') : t('hq.promotions.none')}
          open={open}
          onOpen={(id) => setOpen(open === id ? null : id)}
        />
      </section>
      {selected && <CouponsPanel key={selected.id} promotion={selected} onClose={() => setOpen(null)} />}
    </main>
  );
}

function PromotionForm() {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const locations = useLocations();
  const categories = useCategories();
  const empty = {
    name: '',
    kind: 'percent_off' as Kind,
    value: '',
    buy: '2',
    get: '1',
    quantity: '2',
    target: 'all' as 'all' | 'categories',
    categoryId: '',
    channel: '',
    locationId: '',
    startsAt: '',
    endsAt: '',
    requiresCoupon: false,
    tiers: [] as Tier[],
    firstPurchaseOnly: false,
    minSpend: '',
    priority: '0',
    stackable: true,
  };
  const [f, setF] = useState(empty);
  const set = <K extends keyof typeof empty>(k: K, v: (typeof empty)[K]) => setF((x) => ({ ...x, [k]: v }));
  const create = useMutation({
    mutationFn: () => {
      const n = Number(f.value);
      return call(
        api.POST('/api/promotions', {
          body: {
            name: f.name.trim(),
            kind: f.kind,
            params: paramsOf(f.kind, n, f),
            target:
              f.target === 'categories' && f.categoryId
                ? { type: 'categories', ids: [f.categoryId] }
                : { type: 'all', ids: [] },
            conditions: {
              channels: f.channel ? [f.channel as (typeof CHANNELS)[number]] : [],
              locationIds: f.locationId ? [f.locationId] : [],
              tiers: f.tiers,
              firstPurchaseOnly: f.firstPurchaseOnly,
              minSpend: Number(f.minSpend) || 0,
            },
            priority: Number(f.priority) || 0,
            stackable: f.stackable,
            startsAt: tokyo(f.startsAt),
            endsAt: tokyo(f.endsAt),
            requiresCoupon: f.requiresCoupon,
          },
        }),
      ) as Promise<Promotion>;
    },
    onSuccess: () => {
      setF(empty);
      void queryClient.invalidateQueries({ queryKey: ['hq', 'promotions'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <section className="card">
      <h2>{t('hq.promotions.new')}</h2>
      <form className="hq-form" onSubmit={submit} aria-label={t('hq.promotions.new')}>
        <TextField
          label={t('hq.promo.name')}
          value={f.name}
          onChange={(e) => set('name', e.target.value)}
          required
          maxLength={100}
          error={fieldError(create.error, 'name')}
        />
        <SelectField label={t('hq.promo.kind')} value={f.kind} onChange={(e) => set('kind', e.target.value as Kind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`hq.promo.kind.${k}`)}
            </option>
          ))}
        </SelectField>
        {(f.kind === 'buy_x_get_y' || f.kind === 'bundle_price') && (
          <p className="muted small">{t(f.kind === 'buy_x_get_y' ? 'hq.promo.bxgyHint' : 'hq.promo.bundleHint')}</p>
        )}
        {f.kind === 'buy_x_get_y' && (
          <>
            <TextField
              label={t('hq.promo.buy')}
              type="number"
              inputMode="numeric"
              min={1}
              max={99}
              value={f.buy}
              onChange={(e) => set('buy', e.target.value)}
              required
              error={fieldError(create.error, 'params.buy')}
            />
            <TextField
              label={t('hq.promo.get')}
              type="number"
              inputMode="numeric"
              min={1}
              max={99}
              value={f.get}
              onChange={(e) => set('get', e.target.value)}
              required
              error={fieldError(create.error, 'params.get')}
            />
          </>
        )}
        {f.kind === 'bundle_price' && (
          <TextField
            label={t('hq.promo.quantity')}
            type="number"
            inputMode="numeric"
            min={2}
            max={99}
            value={f.quantity}
            onChange={(e) => set('quantity', e.target.value)}
            required
            error={fieldError(create.error, 'params.quantity')}
          />
        )}
        <TextField
          label={t(VALUE_LABEL[f.kind])}
          type="number"
          inputMode="numeric"
          min={1}
          max={f.kind === 'percent_off' || f.kind === 'buy_x_get_y' ? 100 : undefined}
          value={f.value}
          onChange={(e) => set('value', e.target.value)}
          required={f.kind !== 'buy_x_get_y'}
          placeholder={f.kind === 'buy_x_get_y' ? '100' : undefined}
          error={fieldError(create.error, `params.${VALUE_PARAM[f.kind]}`)}
        />
        <SelectField
          label={t('hq.promo.target')}
          value={f.target}
          onChange={(e) => set('target', e.target.value as 'all' | 'categories')}
        >
          <option value="all">{t('hq.promo.target.all')}</option>
          <option value="categories">{t('hq.promo.target.categories')}</option>
        </SelectField>
        {f.target === 'categories' && (
          <SelectField
            label={t('hq.promo.category')}
            value={f.categoryId}
            onChange={(e) => set('categoryId', e.target.value)}
            required
          >
            <option value="" />
            {(categories.data ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {lang === 'en' && c.nameEn ? c.nameEn : c.name}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField label={t('hq.promo.channel')} value={f.channel} onChange={(e) => set('channel', e.target.value)}>
          <option value="">{t('hq.promo.anyChannel')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('hq.promo.store')}
          value={f.locationId}
          onChange={(e) => set('locationId', e.target.value)}
        >
          <option value="">{t('hq.promo.anyStore')}</option>
          {(locations.data ?? []).map((l) => (
            <option key={l.id} value={l.id}>
              {locationName(l, lang)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('hq.promo.startsAt')}
          type="datetime-local"
          value={f.startsAt}
          onChange={(e) => set('startsAt', e.target.value)}
        />
        <TextField
          label={t('hq.promo.endsAt')}
          type="datetime-local"
          value={f.endsAt}
          onChange={(e) => set('endsAt', e.target.value)}
        />
        <fieldset className="check-group">
          <legend>{t('hq.promo.tiers')}</legend>
          {TIERS.map((tier) => (
            <label key={tier} className="check">
              <input
                type="checkbox"
                checked={f.tiers.includes(tier)}
                onChange={(e) =>
                  set('tiers', e.target.checked ? [...f.tiers, tier] : f.tiers.filter((x) => x !== tier))
                }
              />{' '}
              {t(`tier.${tier}`)}
            </label>
          ))}
        </fieldset>
        <TextField
          label={t('hq.promo.minSpend')}
          type="number"
          inputMode="numeric"
          min={0}
          value={f.minSpend}
          onChange={(e) => set('minSpend', e.target.value)}
          error={fieldError(create.error, 'conditions.minSpend')}
        />
        <TextField
          label={t('hq.promo.priority')}
          type="number"
          inputMode="numeric"
          min={-1000}
          max={1000}
          value={f.priority}
          onChange={(e) => set('priority', e.target.value)}
          hint={t('hq.promo.priorityHint')}
        />
        <label className="check">
          <input
            type="checkbox"
            checked={f.firstPurchaseOnly}
            onChange={(e) => set('firstPurchaseOnly', e.target.checked)}
          />{' '}
          {t('hq.promo.firstPurchaseOnly')}
        </label>
        <label className="check">
          <input type="checkbox" checked={f.stackable} onChange={(e) => set('stackable', e.target.checked)} />{' '}
          {t('hq.promo.stackable')}
        </label>
        <label className="check">
          <input type="checkbox" checked={f.requiresCoupon} onChange={(e) => set('requiresCoupon', e.target.checked)} />{' '}
          {t('hq.promo.requiresCoupon')}
        </label>
        <div>
          <Button type="submit" variant="primary" busy={create.isPending}>
            {t('hq.promo.create')}
          </Button>
        </div>
      </form>
      <ProblemBanner error={create.error} />
      {create.data && <SuccessBanner>{t('hq.promo.created', { name: create.data.name })}</SuccessBanner>}
    </section>
  );
}

function promotionValue(p: Promotion, t: ReturnType<typeof useT>): string {
  if (p.kind === 'percent_off') return t('hq.promo.value.percent', { n: p.params.percent ?? 0 });
  if (p.kind === 'amount_off') return t('hq.promo.value.amount', { n: (p.params.amount ?? 0).toLocaleString('ja-JP') });
  if (p.kind === 'buy_x_get_y')
    return t('hq.promo.value.bxgy', {
      buy: p.params.buy ?? 0,
      get: p.params.get ?? 0,
      percent: p.params.percent ?? 100,
    });
  if (p.kind === 'bundle_price')
    return t('hq.promo.value.bundle', {
      n: p.params.quantity ?? 0,
      price: (p.params.price ?? 0).toLocaleString('ja-JP'),
    });
  return t(`hq.promo.kind.${p.kind}`);
}

function PromotionTable({
  rows,
  empty,
  open,
  onOpen,
}: {
  rows: Promotion[];
  empty: string;
  open: string | null;
  onOpen: (id: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const queryClient = useQueryClient();
  const [confirm, setConfirm] = useState<string | null>(null);
  const end = useMutation({
    mutationFn: (id: string) =>
      call(api.PATCH('/api/promotions/{id}', { params: { path: { id } }, body: { active: false } })),
    onSuccess: () => {
      setConfirm(null);
      void queryClient.invalidateQueries({ queryKey: ['hq', 'promotions'] });
    },
  });
  const nameOf = (id: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };
  return (
    <>
      <ProblemBanner error={end.error} />
      <DataTable<Promotion>
        columns={[
          { key: 'name', header: t('hq.promo.name'), cell: (p) => <strong>{p.name}</strong> },
          {
            key: 'kind',
            header: t('hq.promo.kind'),
            cell: (p) => (
              <>
                {promotionValue(p, t)}
                {p.target.type !== 'all' && <span className="muted small"> ({t('hq.promo.target.categories')})</span>}
              </>
            ),
          },
          {
            key: 'window',
            header: t('hq.promo.col.window'),
            cell: (p) =>
              p.startsAt || p.endsAt
                ? `${p.startsAt ? formatDateTime(p.startsAt, lang) : ''} 〜 ${p.endsAt ? formatDateTime(p.endsAt, lang) : ''}`
                : t('hq.promo.always'),
          },
          {
            key: 'conditions',
            header: t('hq.promo.col.conditions'),
            cell: (p) =>
              [
                ...p.conditions.channels.map((c) => labelOr(t, `channel.${c}`, c)),
                ...p.conditions.locationIds.map(nameOf),
                ...p.conditions.tiers.map((x) => labelOr(t, `tier.${x}`, x)),
                p.conditions.minSpend > 0
                  ? t('hq.promo.minSpendShort', { n: p.conditions.minSpend.toLocaleString('ja-JP') })
                  : null,
                p.conditions.firstPurchaseOnly ? t('hq.promo.firstPurchaseShort') : null,
                p.requiresCoupon ? t('hq.promo.couponOnly') : null,
              ]
                .filter(Boolean)
                .join(' · ') || '—',
          },
          {
            key: 'active',
            header: t('hq.promo.col.active'),
            cell: (p) => (
              <span className={`status status-${p.active ? 'active' : 'ended'}`}>
                {p.active ? t('hq.promo.active') : t('hq.promo.ended')}
              </span>
            ),
          },
          {
            key: 'actions',
            header: '',
            align: 'end',
            cell: (p) => (
              <span className="row-actions">
                <Button
                  variant={open === p.id ? 'primary' : 'secondary'}
                  onClick={() => onOpen(p.id)}
                  aria-expanded={open === p.id}
                >
                  {t('hq.promo.coupons')}
                </Button>
                {p.active &&
                  (confirm === p.id ? (
                    <Button variant="danger" onClick={() => end.mutate(p.id)} busy={end.isPending}>
                      {t('hq.promo.confirmEnd')}
                    </Button>
                  ) : (
                    <Button variant="ghost" onClick={() => setConfirm(p.id)}>
                      {t('hq.promo.end')}
                    </Button>
                  ))}
              </span>
            ),
          },
        ]}
        rows={rows}
        rowKey={(p) => p.id}
        rowProps={(p) => ({ 'data-promotion': p.id, 'data-name': p.name })}
        empty={empty}
      />
    </>
  );
}

function CouponsPanel({ promotion, onClose }: { promotion: Promotion; onClose: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const coupons = useQuery({
    queryKey: ['hq', 'coupons', promotion.id],
    queryFn: () =>
      call(api.GET('/api/coupons', { params: { query: { promotionId: promotion.id } } })) as Promise<{
        items: Coupon[];
      }>,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['hq', 'coupons', promotion.id] });

  const [code, setCode] = useState('');
  const [issuedChannel, setIssuedChannel] = useState('');
  const createPublic = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/coupons', {
          body: { promotionId: promotion.id, code: code.trim(), issuedChannel: issuedChannel || null },
        }),
      ) as Promise<Coupon>,
    onSuccess: () => {
      setCode('');
      void refresh();
    },
  });

  const [count, setCount] = useState('100');
  const [prefix, setPrefix] = useState('');
  const [batchChannel, setBatchChannel] = useState('');
  const batch = useMutation({
    mutationFn: async () => {
      const r = (await call(
        api.POST('/api/coupons/batches', {
          body: {
            coupon: { promotionId: promotion.id, issuedChannel: batchChannel || null },
            count: Number(count),
            prefix: prefix.trim() || undefined,
          },
        }),
      )) as CouponBatch;
      saveFile(`\ufeffcode\r\n${r.codes.join('\r\n')}\r\n`, `coupons-${r.batchId}.csv`);
      return r;
    },
    onSuccess: () => void refresh(),
  });

  return (
    <section
      className="card"
      aria-label={t('hq.coupons.title', { name: promotion.name })}
      data-coupons-for={promotion.id}
    >
      <div className="card-head">
        <h2>{t('hq.coupons.title', { name: promotion.name })}</h2>
        <Button variant="ghost" onClick={onClose}>
          {t('hq.coupons.close')}
        </Button>
      </div>
      <ProblemBanner error={coupons.error} />
      <DataTable<Coupon>
        columns={[
          {
            key: 'code',
            header: t('hq.coupons.col.code'),
            cell: (c) => <span className="mono">{c.code ?? t('hq.coupons.singleUse')}</span>,
          },
          { key: 'kind', header: t('hq.coupons.col.kind'), cell: (c) => t(`hq.coupons.kind.${c.kind}`) },
          {
            key: 'issuedChannel',
            header: t('hq.coupons.col.issuedChannel'),
            cell: (c) => (c.issuedChannel ? labelOr(t, `channel.${c.issuedChannel}`, c.issuedChannel) : '—'),
          },
          { key: 'attribution', header: t('hq.coupons.col.redemptions'), cell: (c) => <Attribution couponId={c.id} /> },
        ]}
        rows={coupons.data?.items ?? []}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-coupon': c.id, 'data-code': c.code ?? undefined })}
        empty={coupons.isPending ? t('common.loading') : t('hq.coupons.none')}
      />

      <div className="hq-coupon-forms">
        <form
          className="hq-form"
          onSubmit={(e) => {
            e.preventDefault();
            createPublic.mutate();
          }}
        >
          <h3>{t('hq.coupons.publicTitle')}</h3>
          <TextField
            label={t('hq.coupons.code')}
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            required
            minLength={4}
            maxLength={32}
            autoComplete="off"
            error={fieldError(createPublic.error, 'code')}
          />
          <ChannelSelect label={t('hq.coupons.issuedChannel')} value={issuedChannel} onChange={setIssuedChannel} />
          <div>
            <Button type="submit" variant="primary" busy={createPublic.isPending}>
              {t('hq.coupons.createPublic')}
            </Button>
          </div>
          <ProblemBanner error={createPublic.error} />
        </form>
        <form
          className="hq-form"
          onSubmit={(e) => {
            e.preventDefault();
            batch.mutate();
          }}
        >
          <h3>{t('hq.coupons.batchTitle')}</h3>
          <TextField
            label={t('hq.coupons.count')}
            type="number"
            min={1}
            max={10000}
            value={count}
            onChange={(e) => setCount(e.target.value)}
            required
          />
          <TextField
            label={t('hq.coupons.prefix')}
            value={prefix}
            onChange={(e) => setPrefix(e.target.value.toUpperCase())}
            maxLength={8}
            autoComplete="off"
            error={fieldError(batch.error, 'prefix')}
          />
          <ChannelSelect label={t('hq.coupons.issuedChannel')} value={batchChannel} onChange={setBatchChannel} />
          <div>
            <Button type="submit" busy={batch.isPending}>
              {t('hq.coupons.generate')}
            </Button>
          </div>
          <ProblemBanner error={batch.error} />
          {batch.data && <SuccessBanner>{t('hq.coupons.generated', { n: batch.data.codes.length })}</SuccessBanner>}
        </form>
      </div>
    </section>
  );
}

function ChannelSelect({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  const t = useT();
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">—</option>
      {CHANNELS.map((c) => (
        <option key={c} value={c}>
          {t(`channel.${c}`)}
        </option>
      ))}
    </SelectField>
  );
}

/** Issued vs used: how often, for how much, and on which channel and at which store it was used. */
function Attribution({ couponId }: { couponId: string }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const r = useQuery({
    queryKey: ['hq', 'redemptions', couponId],
    queryFn: () =>
      call(
        api.GET('/api/coupons/{id}/redemptions', { params: { path: { id: couponId } } }),
      ) as Promise<CouponRedemptions>,
    // Uses happen at tills and checkouts all the time: fetch afresh whenever the panel opens.
    refetchOnMount: 'always',
  });
  if (r.error) return <ProblemBanner error={r.error} />;
  if (!r.data) return <span className="muted">{t('common.loading')}</span>;
  const d = r.data;
  const nameOf = (id: string | null) => {
    if (!id) return t('hq.coupons.online');
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };
  return (
    <div className="attribution" data-redemptions={d.redemptions}>
      <dl className="facts">
        {d.codesIssued !== null && (
          <>
            <dt>{t('hq.coupons.col.issued')}</dt>
            <dd>{d.codesIssued.toLocaleString('ja-JP')}</dd>
          </>
        )}
        <dt>{t('hq.coupons.col.redemptions')}</dt>
        <dd data-testid="redemption-count">{d.redemptions}</dd>
        {d.released > 0 && (
          <>
            <dt>{t('hq.coupons.col.released')}</dt>
            <dd data-testid="released-count">{d.released}</dd>
          </>
        )}
        <dt>{t('hq.coupons.col.discount')}</dt>
        <dd>{plainYen(d.discountTotal)}</dd>
      </dl>
      {d.usedAt.length > 0 && (
        <ul className="plain-list small" aria-label={t('hq.coupons.col.usedAt')}>
          {d.usedAt.map((u) => (
            <li key={`${u.channel}|${u.locationId ?? ''}`} data-channel={u.channel} data-location={u.locationId ?? ''}>
              {d.issuedChannel ? `${labelOr(t, `channel.${d.issuedChannel}`, d.issuedChannel)} → ` : ''}
              {t('hq.coupons.used', {
                channel: labelOr(t, `channel.${u.channel}`, u.channel),
                where: nameOf(u.locationId),
                n: u.count,
              })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
