import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner } from '../../shared/ui';
import { signIn, type Session } from '../../shared/staff-session';
import '../staff.css';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * 「担当：名前」 and 「担当切替」: at a shared till, the next clerk picks her name from the store's list and
 * types her PIN on a keypad (or a keyboard); the till's session becomes hers, so the sales it rings and
 * their receipts say 担当 her. The basket on the till stays as it is.
 */
export function OperatorSwitch({
  session,
  locationId,
  size = 'md',
}: {
  session: Session;
  locationId: string;
  size?: 'md' | 'lg';
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), 4000);
    return () => clearTimeout(timer);
  }, [done]);
  return (
    <div className="operator" data-testid="operator">
      <span className="operator-name" data-testid="operator-name">
        {t('operator.label', { name: session.staff.name })}
      </span>
      <Button size={size} onClick={() => setOpen(true)} data-testid="operator-switch">
        {t('operator.switch')}
      </Button>
      <span className="operator-done" role="status">
        {done && t('operator.done', { name: done })}
      </span>
      {open && (
        <OperatorDialog
          session={session}
          locationId={locationId}
          onClose={() => setOpen(false)}
          onSwitched={(name) => {
            setOpen(false);
            setDone(name);
          }}
        />
      )}
    </div>
  );
}

function OperatorDialog({
  session,
  locationId,
  onClose,
  onSwitched,
}: {
  session: Session;
  locationId: string;
  onClose: () => void;
  onSwitched: (name: string) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const operators = useQuery({
    queryKey: ['operators', locationId],
    queryFn: () => call(api.GET('/api/staff/operators', { params: { query: { locationId } } })),
    staleTime: 0,
  });
  const [picked, setPicked] = useState<{ id: string; name: string } | null>(null);
  const [pin, setPin] = useState('');
  const change = useMutation({
    mutationFn: (who: { id: string }) =>
      call(api.POST('/api/staff/switch', { body: { locationId, staffId: who.id, pin } })),
    onSuccess: (next) => {
      signIn(next as Session);
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      onSwitched(next.staff.name);
    },
    onError: () => setPin(''),
  });
  const press = (d: string) => {
    change.reset();
    setPin((p) => (p.length < 6 ? p + d : p));
  };
  const submit = () => {
    if (picked && pin.length >= 4 && !change.isPending) change.mutate(picked);
  };
  const onKey = (e: KeyboardEvent) => {
    if (!picked) return;
    const digit = e.key.normalize('NFKC');
    if (/^\d$/.test(digit)) press(digit);
    else if (e.key === 'Backspace') setPin((p) => p.slice(0, -1));
    else if (e.key === 'Enter') submit();
    else return;
    e.preventDefault();
  };

  return (
    <dialog
      ref={ref}
      className="operator-dialog"
      aria-labelledby="operator-title"
      onClose={onClose}
      onKeyDown={onKey}
      data-testid="operator-dialog"
    >
      <div className="operator-dialog-head">
        <h2 id="operator-title">{t('operator.title')}</h2>
        <Button variant="ghost" onClick={onClose}>
          {t('operator.close')}
        </Button>
      </div>
      {!picked ? (
        <>
          <p>{t('operator.pickName')}</p>
          <ProblemBanner error={operators.error} />
          {operators.isPending && <p className="muted">{t('common.loading')}</p>}
          {operators.data && operators.data.items.length === 0 && <p className="muted">{t('operator.empty')}</p>}
          <ul className="operator-names">
            {operators.data?.items.map((o) => (
              <li key={o.id}>
                <button
                  type="button"
                  className="operator-person"
                  disabled={!o.pinSet}
                  aria-current={o.id === session.staff.id || undefined}
                  onClick={() => {
                    setPicked(o);
                    setPin('');
                    change.reset();
                  }}
                >
                  <span className="operator-person-name">{o.name}</span>
                  {o.id === session.staff.id ? (
                    <span className="operator-person-note">{t('operator.current')}</span>
                  ) : !o.pinSet ? (
                    <span className="operator-person-note">{t('operator.noPin')}</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
          {operators.data?.items.some((o) => !o.pinSet) && <p className="small muted">{t('operator.noPinHint')}</p>}
        </>
      ) : (
        <form
          className="operator-pin"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <p id="operator-pin-label">{t('operator.enterPin', { name: picked.name })}</p>
          <div
            className="operator-dots"
            role="status"
            aria-label={t('operator.entered', { n: pin.length })}
            data-testid="operator-dots"
          >
            {Array.from({ length: 6 }, (_, i) => (
              <span key={i} className={i < pin.length ? 'dot dot-on' : 'dot'} aria-hidden="true" />
            ))}
          </div>
          <ProblemBanner error={change.error} />
          <div className="operator-keypad" role="group" aria-labelledby="operator-pin-label">
            {KEYS.map((d) => (
              <button key={d} type="button" className="operator-key" onClick={() => press(d)}>
                {d}
              </button>
            ))}
            <button type="button" className="operator-key operator-key-text" onClick={() => setPin('')}>
              {t('operator.clear')}
            </button>
            <button type="button" className="operator-key" onClick={() => press('0')}>
              0
            </button>
            <button
              type="button"
              className="operator-key operator-key-text"
              onClick={() => setPin((p) => p.slice(0, -1))}
            >
              {t('operator.delete')}
            </button>
          </div>
          <Button type="submit" variant="primary" size="lg" busy={change.isPending} disabled={pin.length < 4}>
            {t('operator.submit')}
          </Button>
          <Button variant="ghost" onClick={() => setPicked(null)}>
            {t('operator.again')}
          </Button>
        </form>
      )}
    </dialog>
  );
}
