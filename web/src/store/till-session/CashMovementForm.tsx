import { useState, type FormEvent } from 'react';
import { formatTime } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { Button, SelectField, TextField } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import { digitsOf, type TillSession } from './types';

const REASONS = [
  'tillSession.cash.reason.change',
  'tillSession.cash.reason.refill',
  'tillSession.cash.reason.petty',
  'tillSession.cash.reason.pickup',
] as const;

/** 入金・出金: cash put into or taken out of the drawer with its reason, and the session's list of them. */
export function CashMovementForm({
  session,
  busy,
  fieldErrors,
  onRecord,
}: {
  session: TillSession;
  busy: boolean;
  fieldErrors: (field: string) => string | undefined;
  onRecord: (move: { kind: 'in' | 'out'; amount: number; reason: string }) => Promise<unknown>;
}) {
  const t = useT();
  const [kind, setKind] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await onRecord({ kind, amount: Number(amount || 0), reason: reason.trim() });
    setAmount('');
    setReason('');
  };
  return (
    <section className="card stack no-print" data-testid="till-cash">
      <h2>{t('tillSession.cash.title')}</h2>
      <form className="till-cash-form" onSubmit={(e) => void submit(e).catch(() => {})}>
        <SelectField
          label={t('tillSession.cash.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as 'in' | 'out')}
        >
          <option value="in">{t('tillSession.cash.in')}</option>
          <option value="out">{t('tillSession.cash.out')}</option>
        </SelectField>
        <TextField
          label={t('tillSession.cash.amount')}
          inputMode="numeric"
          autoComplete="off"
          required
          value={amount}
          onChange={(e) => setAmount(digitsOf(e.target.value).slice(0, 8))}
          error={fieldErrors('amount')}
        />
        <TextField
          label={t('tillSession.cash.reason')}
          list="till-cash-reasons"
          required
          maxLength={200}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={fieldErrors('reason')}
        />
        <datalist id="till-cash-reasons">
          {REASONS.map((r) => (
            <option key={r} value={t(r)} />
          ))}
        </datalist>
        <Button type="submit" variant="primary" busy={busy}>
          {t('tillSession.cash.record')}
        </Button>
      </form>
      {session.cashMovements.length === 0 ? (
        <p className="muted small">{t('tillSession.cash.none')}</p>
      ) : (
        <ul className="till-cash-list">
          {session.cashMovements.map((m) => (
            <li key={m.id} data-kind={m.kind}>
              <span className="mono">{formatTime(m.createdAt)}</span>
              <span>{t(m.kind === 'in' ? 'tillSession.cash.in' : 'tillSession.cash.out')}</span>
              <span>{m.reason}</span>
              <span className="muted">{m.staffName}</span>
              <span className="mono num">{(m.kind === 'in' ? '+' : '−') + plainYen(m.amount)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
