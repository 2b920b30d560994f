import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../shared/api/client';
import { useAttemptKey } from '../shared/api/attempt';
import type { Customer, DuplicatePair, Merge } from '../shared/api/types';
import { CustomerName } from '../shared/customer/CustomerName';
import { formatDate, formatPhone } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner, TextField, TierBadge, fieldError } from '../shared/ui';
import { customerHref } from './CustomersScreen';

/** Undo a merge: one button, shown right after the merge and in the profile's merge history. */
export function UndoMerge({ merge, onDone }: { merge: Merge; onDone?: (m: Merge) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const undo = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/customer-merges/{id}/undo', {
          params: { path: { id: merge.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        }),
      ),
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: ['customers'] });
      onDone?.(m);
    },
  });
  if (undo.data) return <SuccessBanner>{t('hq.dup.undone')}</SuccessBanner>;
  return (
    <>
      <ProblemBanner error={undo.error} />
      <Button onClick={() => undo.mutate()} busy={undo.isPending} data-merge={merge.id}>
        {t('hq.dup.undo')}
      </Button>
    </>
  );
}

function Side({
  customer,
  keep,
  onKeep,
  name,
}: {
  customer: Customer;
  keep: boolean;
  onKeep: () => void;
  name: string;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <label className={`dup-side${keep ? ' dup-keep' : ''}`} data-customer={customer.id}>
      <span className="dup-choose">
        <input type="radio" name={name} checked={keep} onChange={onKeep} />
        {t('hq.dup.keep')}
      </span>
      <CustomerName customer={customer} />
      <dl className="facts small">
        <dt>{t('hq.col.memberNumber')}</dt>
        <dd className="mono">{customer.memberNumber}</dd>
        <dt>{t('hq.profile.phone')}</dt>
        <dd>{customer.phone ? formatPhone(customer.phone) : '—'}</dd>
        <dt>{t('hq.profile.email')}</dt>
        <dd>{customer.email ?? '—'}</dd>
        <dt>{t('hq.profile.birthday')}</dt>
        <dd>{customer.birthday ? formatDate(customer.birthday, lang) : '—'}</dd>
        <dt>{t('hq.col.since')}</dt>
        <dd>{formatDate(customer.createdAt, lang)}</dd>
      </dl>
      <TierBadge tier={customer.tier} />
      <Link href={customerHref(customer.id)} className="small">
        {customer.id}
      </Link>
    </label>
  );
}

/**
 * One suggested pair: the two side by side, the reasons they look alike, a choice of which one stays,
 * and a required reason for the audit. By default the older registration stays (its member number is
 * the one printed on cards already in wallets).
 */
export function MergePair({ pair }: { pair: DuplicatePair }) {
  const t = useT();
  const queryClient = useQueryClient();
  const older = pair.a.createdAt <= pair.b.createdAt ? pair.a : pair.b;
  const [keepId, setKeepId] = useState(older.id);
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const key = useAttemptKey();
  const survivor = keepId === pair.a.id ? pair.a : pair.b;
  const other = keepId === pair.a.id ? pair.b : pair.a;

  const merge = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/customers/{id}/merge', {
          params: { path: { id: survivor.id } },
          body: { otherId: other.id, reason: reason.trim() },
          headers: { 'Idempotency-Key': key.current },
        }),
      ),
    onSettled: (_d, error) => key.settled(error),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setMissingReason(true);
    setMissingReason(false);
    merge.mutate();
  };
  const group = `keep-${pair.a.id}-${pair.b.id}`;
  const reasonText = (r: string) => {
    const k = `hq.dup.reason.${r}`;
    return isMessageKey(k) ? t(k) : r;
  };

  if (merge.data)
    return (
      <section className="card dup-pair dup-done" data-pair={`${pair.a.id} ${pair.b.id}`} data-merge={merge.data.id}>
        <SuccessBanner>
          {t('hq.dup.merged', {
            merged: `${other.name ?? ''} (${other.memberNumber})`,
            survivor: `${survivor.name ?? ''} (${survivor.memberNumber})`,
          })}
        </SuccessBanner>
        <UndoMerge merge={merge.data} onDone={() => void queryClient.invalidateQueries({ queryKey: ['duplicates'] })} />
      </section>
    );

  return (
    <section
      className="card dup-pair"
      data-pair={`${pair.a.id} ${pair.b.id}`}
      aria-label={`${pair.a.name ?? ''} / ${pair.b.name ?? ''}`}
    >
      <p className="chips">
        {pair.reasons.map((r) => (
          <span key={r} className="reason-chip">
            {reasonText(r)}
          </span>
        ))}
      </p>
      <form className="stack" onSubmit={submit}>
        <div className="dup-sides">
          <Side customer={pair.a} keep={keepId === pair.a.id} onKeep={() => setKeepId(pair.a.id)} name={group} />
          <Side customer={pair.b} keep={keepId === pair.b.id} onKeep={() => setKeepId(pair.b.id)} name={group} />
        </div>
        <TextField
          label={t('hq.dup.reasonLabel')}
          name="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t('hq.dup.reasonPlaceholder')}
          error={missingReason ? t('hq.dup.reasonRequired') : fieldError(merge.error, 'reason')}
          maxLength={500}
        />
        <ProblemBanner error={merge.error} labels={{ reason: t('hq.dup.reasonLabel') }} />
        <Button type="submit" variant="primary" size="lg" busy={merge.isPending}>
          {t('hq.dup.merge')}
        </Button>
      </form>
    </section>
  );
}
