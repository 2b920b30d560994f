import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import type { Level, Location, MoveBody, MoveResult } from '../shared/api/types';
import { useLang, useT, type MessageKey } from '../shared/i18n';
import { locationName } from '../shared/locations';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField, fieldError } from '../shared/ui';

type Kind = 'receipt' | 'adjustment' | 'count' | 'transfer';
const kinds: Kind[] = ['receipt', 'adjustment', 'count', 'transfer'];

/** "５" or "-2" as typed (full-width too) → an integer, or null when it is not one. */
function parseQuantity(raw: string): number | null {
  const s = raw
    .normalize('NFKC')
    .replace(/[\s,]/g, '')
    .replace(/^[−ー]/, '-');
  return /^[+-]?\d+$/.test(s) ? Number(s) : null;
}

/** Receipts and transfers read as units; adjustments and counts as the signed change (+2, −1). */
function signedFor(kind: Kind, delta: number): string {
  if (kind === 'receipt' || kind === 'transfer') return String(Math.abs(delta));
  return delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0';
}

/**
 * 入荷 · 調整 · 棚卸 · 移動 for the scanned variant at this store. Each submitted form carries its own
 * Idempotency-Key: a retry after a dropped connection cannot count the stock twice.
 */
export function MovementForm({
  locationId,
  variantId,
  level,
  destinations,
  onDone,
}: {
  locationId: string;
  variantId: string;
  level: Level | undefined;
  destinations: Location[];
  onDone: (result: MoveResult) => void;
}) {
  const t = useT();
  const lang = useLang();
  const [kind, setKind] = useState<Kind>('receipt');
  const [quantity, setQuantity] = useState('');
  const [reason, setReason] = useState('');
  const [toLocationId, setToLocationId] = useState('');
  const [localError, setLocalError] = useState<MessageKey | null>(null);
  const key = useAttemptKey();

  const move = useMutation({
    mutationFn: (body: MoveBody) =>
      call(api.POST('/api/stock-movements', { body, headers: { 'Idempotency-Key': key.current } })),
    // Keep the key only when the server may not have seen the request; any answer closes this form.
    onSettled: (_data, error) => key.settled(error),
    onSuccess: (result) => {
      setQuantity('');
      setReason('');
      onDone(result);
    },
  });

  const choose = (k: Kind) => {
    setKind(k);
    setLocalError(null);
    move.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = parseQuantity(quantity);
    if (n === null) {
      setLocalError('store.move.quantityInvalid');
      return;
    }
    setLocalError(null);
    const body: MoveBody = { variantId, locationId, kind, quantity: n };
    if (reason.trim()) body.reason = reason.trim();
    if (kind === 'transfer' && toLocationId) body.toLocationId = toLocationId;
    move.mutate(body);
  };

  const labels = {
    quantity: t(`store.move.${kind}.quantity`),
    reason: t('store.move.reason'),
    toLocationId: t('store.move.destination'),
  };
  const done = move.data;

  return (
    <section className="card movement" aria-labelledby="movement-title">
      <h2 id="movement-title">{t('store.move.title')}</h2>
      <div className="segmented" role="group" aria-label={t('store.move.title')}>
        {kinds.map((k) => (
          <button key={k} type="button" aria-pressed={kind === k} onClick={() => choose(k)} data-kind={k}>
            {t(`store.move.${k}`)}
          </button>
        ))}
      </div>

      <form className="stack" onSubmit={submit} noValidate>
        <TextField
          label={labels.quantity}
          hint={
            kind === 'count' && level ? t('store.move.count.hint', { n: level.onHand }) : t(`store.move.${kind}.hint`)
          }
          name="quantity"
          inputMode={kind === 'adjustment' ? 'text' : 'numeric'}
          autoComplete="off"
          value={quantity}
          onChange={(e) => setQuantity(e.target.value)}
          error={localError ? t(localError) : fieldError(move.error, 'quantity')}
          className="qty-input"
        />
        {kind === 'adjustment' && (
          <TextField
            label={t('store.move.reasonRequired')}
            name="reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={t('store.move.reasonPlaceholder')}
            error={fieldError(move.error, 'reason')}
          />
        )}
        {kind === 'transfer' && (
          <SelectField
            label={labels.toLocationId}
            name="toLocationId"
            value={toLocationId}
            onChange={(e) => setToLocationId(e.target.value)}
            error={fieldError(move.error, 'toLocationId')}
          >
            <option value="">{t('store.move.chooseDestination')}</option>
            {destinations.map((l) => (
              <option key={l.id} value={l.id}>
                {locationName(l, lang)}
              </option>
            ))}
          </SelectField>
        )}
        <ProblemBanner error={move.error} labels={labels} />
        {done && (
          <SuccessBanner>
            <strong>{t(`store.move.${kind}.done`, { n: signedFor(kind, done.movement.quantity) })}</strong>{' '}
            {t('store.move.newLevel', { available: done.level.available, onHand: done.level.onHand })}
          </SuccessBanner>
        )}
        <Button type="submit" variant="primary" size="lg" busy={move.isPending}>
          {t(`store.move.${kind}.submit`)}
        </Button>
      </form>
    </section>
  );
}
