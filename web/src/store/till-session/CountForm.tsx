import { useState, type FormEvent } from 'react';
import { useT } from '../../shared/i18n';
import { Button, TextField } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import { DENOMINATIONS, digitsOf } from './types';

/**
 * レジ締め: the pieces of each note and coin in the drawer (full-width digits taken, as a POS keyboard with
 * the IME on types them), the counted total kept live, then 精算.
 */
export function CountForm({
  busy,
  fieldErrors,
  onClose,
}: {
  busy: boolean;
  fieldErrors: (field: string) => string | undefined;
  onClose: (counted: Record<string, number>, note: string) => void;
}) {
  const t = useT();
  const [pieces, setPieces] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const counted = Object.fromEntries(DENOMINATIONS.map((d) => [String(d), Number(pieces[String(d)] || 0)]));
  const total = DENOMINATIONS.reduce((s, d) => s + d * (counted[String(d)] ?? 0), 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (window.confirm(t('tillSession.close.confirm', { amount: plainYen(total) }))) onClose(counted, note.trim());
  };
  return (
    <form className="card stack no-print" onSubmit={submit} data-testid="till-count">
      <h2>{t('tillSession.close.title')}</h2>
      <p className="muted small">{t('tillSession.close.hint')}</p>
      <table className="till-count-table">
        <thead>
          <tr>
            <th scope="col">{t('tillSession.close.denomination')}</th>
            <th scope="col">{t('tillSession.close.pieces')}</th>
            <th scope="col" className="num">
              {t('tillSession.close.subtotal')}
            </th>
          </tr>
        </thead>
        <tbody>
          {DENOMINATIONS.map((d) => {
            const label = t(`tillSession.denom.${d}`);
            const error = fieldErrors(`counted.${d}`);
            return (
              <tr key={d} data-denomination={d}>
                <th scope="row">{label}</th>
                <td>
                  <input
                    id={`count-${d}`}
                    className="till-count-input"
                    inputMode="numeric"
                    autoComplete="off"
                    aria-label={t('tillSession.close.piecesOf', { label })}
                    aria-invalid={!!error || undefined}
                    value={pieces[String(d)] ?? ''}
                    placeholder="0"
                    onChange={(e) => setPieces({ ...pieces, [String(d)]: digitsOf(e.target.value).slice(0, 4) })}
                  />
                  {error && (
                    <span className="field-error" role="alert">
                      {error}
                    </span>
                  )}
                </td>
                <td className="num mono">{plainYen(d * (counted[String(d)] ?? 0))}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t('tillSession.close.total')}
            </th>
            <td className="num mono till-count-total" data-testid="count-total" data-total={total}>
              {plainYen(total)}
            </td>
          </tr>
        </tfoot>
      </table>
      <TextField
        label={t('tillSession.close.note')}
        value={note}
        maxLength={500}
        onChange={(e) => setNote(e.target.value)}
      />
      <Button type="submit" variant="danger" size="lg" busy={busy}>
        {t('tillSession.close.submit')}
      </Button>
    </form>
  );
}
