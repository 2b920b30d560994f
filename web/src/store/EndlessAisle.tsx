import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import type { AisleOrder, BarcodeLookup, ClientelingCard } from '../shared/api/types';
import { describeOptions, formatDateTime, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField } from '../shared/ui';

/** The item the clerk is about to order in for her: from her cart, or a scanned JAN. */
export interface AisleItem {
  variantId: string;
  productName: string;
  options: Record<string, string>;
  price: number;
  quantity: number;
}

/**
 * 取り寄せ (endless aisle) on the clienteling card: an item this store lacks — a line of her cart, or a JAN the
 * clerk scans or types — ordered for her for pickup here, paid at the counter when she collects it, or sent to
 * her home (her default saved address, paid from her wallet). The
 * server picks where the stock comes from (the warehouse first) and reserves it there; one Idempotency-Key
 * per attempt, so a double tap makes one order.
 */
export function EndlessAisle({
  customerId,
  locationId,
  locationName,
  scanId,
  favourites,
  chosen,
  onChoose,
}: {
  customerId: string;
  locationId: string;
  locationName: string;
  scanId: string;
  /** Her favourites with their sizes and the stock here (from the card): those lacking here are offered. */
  favourites: ClientelingCard['favourites']['items'];
  chosen: AisleItem | null;
  onChoose: (item: AisleItem | null) => void;
}) {
  const t = useT();
  const lang = useLang();
  const key = useAttemptKey();
  const [placed, setPlaced] = useState<AisleOrder | null>(null);
  const [deliverTo, setDeliverTo] = useState<'store' | 'home'>('store');
  const order = useMutation({
    mutationFn: (item: AisleItem) =>
      call(
        api.POST('/api/customers/{id}/aisle-orders', {
          params: { path: { id: customerId } },
          body: { locationId, scanId, variantId: item.variantId, quantity: item.quantity, deliverTo },
          headers: { 'Idempotency-Key': key.current },
        }),
      ),
    onSuccess: (answer) => {
      setPlaced(answer);
      onChoose(null);
    },
    onSettled: (_data, error) => key.settled(error),
  });

  const pick = (item: AisleItem) => {
    order.reset();
    setPlaced(null);
    onChoose(item);
  };

  return (
    <section className="card endless-aisle" aria-labelledby="aisle-title" data-testid="endless-aisle">
      <h2 id="aisle-title">{t('card.aisle.title')}</h2>
      <p className="muted small">{t('card.aisle.hint')}</p>
      {placed?.order.fulfilments[0]?.type === 'ship' ? (
        <SuccessBanner>
          <span data-testid="aisle-done">{t('card.aisle.done', { number: placed.order.number })}</span>
          <br />
          {t('card.aisle.doneHome', {
            source: placed.source.name,
            address: placed.order.fulfilments[0].address
              ? `${placed.order.fulfilments[0].address.prefecture}${placed.order.fulfilments[0].address.city}${placed.order.fulfilments[0].address.line1}`
              : '—',
          })}
        </SuccessBanner>
      ) : (
        placed && (
          <SuccessBanner>
            <span data-testid="aisle-done">{t('card.aisle.done', { number: placed.order.number })}</span>
            <br />
            {t('card.aisle.doneSource', {
              source: placed.source.name,
              store: locationName,
              date: placed.order.fulfilments[0]?.deadline
                ? formatDateTime(placed.order.fulfilments[0].deadline, lang)
                : '—',
            })}
            {placed.order.fulfilments[0]?.pickupCode && (
              <>
                <br />
                {t('card.aisle.doneCode', { code: placed.order.fulfilments[0].pickupCode })}
              </>
            )}
          </SuccessBanner>
        )
      )}
      {chosen ? (
        <div className="aisle-chosen">
          <p className="muted small">{t('card.aisle.chosen')}</p>
          <p className="product-name">{chosen.productName}</p>
          <p className="muted small">
            {describeOptions(chosen.options)} · {formatYen(chosen.price, lang)}
          </p>
          <SelectField
            label={t('card.aisle.quantity')}
            value={chosen.quantity}
            onChange={(e) => onChoose({ ...chosen, quantity: Number(e.target.value) })}
          >
            {Array.from({ length: 9 }, (_, i) => (
              <option key={i + 1} value={i + 1}>
                {i + 1}
              </option>
            ))}
          </SelectField>
          <fieldset className="check-column plain-fieldset" data-testid="aisle-deliver-to">
            <legend>{t('card.aisle.deliverTo')}</legend>
            <label className="check">
              <input
                type="radio"
                name="aisle-deliver-to"
                checked={deliverTo === 'store'}
                onChange={() => setDeliverTo('store')}
              />{' '}
              {t('card.aisle.toStore', { store: locationName })}
            </label>
            <label className="check">
              <input
                type="radio"
                name="aisle-deliver-to"
                checked={deliverTo === 'home'}
                onChange={() => setDeliverTo('home')}
              />{' '}
              {t('card.aisle.toHome')}
            </label>
          </fieldset>
          <ProblemBanner error={order.error} />
          <div className="aisle-actions">
            <Button variant="primary" size="lg" busy={order.isPending} onClick={() => order.mutate(chosen)}>
              {order.isPending
                ? t('card.aisle.placing')
                : deliverTo === 'home'
                  ? t('card.aisle.submitHome')
                  : t('card.aisle.submit', { store: locationName })}
            </Button>
            <Button variant="ghost" onClick={() => onChoose(null)}>
              {t('card.aisle.clear')}
            </Button>
          </div>
        </div>
      ) : (
        <>
          <FromFavourites favourites={favourites} onFound={pick} />
          <FindByJan onFound={pick} />
        </>
      )}
    </section>
  );
}

/** お気に入りから: her favourites with a size this store lacks, each size with the stock here. */
function FromFavourites({
  favourites,
  onFound,
}: {
  favourites: ClientelingCard['favourites']['items'];
  onFound: (item: AisleItem) => void;
}) {
  const t = useT();
  const lang = useLang();
  const lacking = favourites.filter((f) => f.status === 'active' && f.variants.some((v) => (v.available ?? 0) <= 0));
  const [variantId, setVariantId] = useState('');
  if (!lacking.length) return null;
  const choose = () => {
    for (const f of lacking) {
      const v = f.variants.find((x) => x.id === variantId);
      if (v) onFound({ variantId: v.id, productName: f.name, options: v.options, price: v.price, quantity: 1 });
    }
  };
  return (
    <div className="aisle-favourites">
      <SelectField
        label={t('card.aisle.fromFavourites')}
        value={variantId}
        onChange={(e) => setVariantId(e.target.value)}
      >
        <option value="">{t('card.aisle.pick')}</option>
        {lacking.map((f) => (
          <optgroup key={f.productId} label={f.name}>
            {f.variants.map((v) => (
              <option key={v.id} value={v.id}>
                {describeOptions(v.options)} · {formatYen(v.price, lang)} ·{' '}
                {(v.available ?? 0) > 0 ? t('card.hereN', { n: v.available ?? 0 }) : t('card.notHere')}
              </option>
            ))}
          </optgroup>
        ))}
      </SelectField>
      <Button onClick={choose} disabled={!variantId}>
        {t('card.cart.order')}
      </Button>
    </div>
  );
}

/** A JAN scanned into the field (a scanner types it and presses Enter) or typed: the product and its sizes. */
function FindByJan({ onFound }: { onFound: (item: AisleItem) => void }) {
  const t = useT();
  const lang = useLang();
  const [jan, setJan] = useState('');
  const [found, setFound] = useState<BarcodeLookup | null>(null);
  // The scanned variant first; a shelf item of another size is how a clerk finds the size she wants.
  const [variantId, setVariantId] = useState('');
  const lookup = useMutation({
    mutationFn: (code: string) => call(api.GET('/api/barcodes/{jan}', { params: { path: { jan: code } } })),
    onSuccess: (f) => {
      setFound(f);
      setVariantId(f.variant.id);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (jan.trim()) lookup.mutate(jan.trim());
  };
  const choose = () => {
    const v = found?.product.variants.find((x) => x.id === variantId);
    if (found && v)
      onFound({ variantId: v.id, productName: found.product.name, options: v.options, price: v.price, quantity: 1 });
  };
  return (
    <>
      <form className="aisle-find" onSubmit={submit}>
        <TextField
          label={t('card.aisle.jan')}
          placeholder={t('card.aisle.janPlaceholder')}
          inputMode="numeric"
          autoComplete="off"
          value={jan}
          onChange={(e) => setJan(e.target.value)}
        />
        <Button type="submit" busy={lookup.isPending}>
          {t('card.aisle.find')}
        </Button>
      </form>
      <ProblemBanner error={lookup.error} />
      {found && (
        <div className="aisle-found">
          <p className="product-name">{found.product.name}</p>
          <SelectField label={t('card.aisle.variant')} value={variantId} onChange={(e) => setVariantId(e.target.value)}>
            {found.product.variants
              .filter((v) => v.status === 'active')
              .map((v) => (
                <option key={v.id} value={v.id}>
                  {describeOptions(v.options)} · {formatYen(v.price, lang)}
                </option>
              ))}
          </SelectField>
          <Button onClick={choose}>{t('card.cart.order')}</Button>
        </div>
      )}
    </>
  );
}
