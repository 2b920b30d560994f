import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField } from '../shared/ui';
import { AccountPage } from './AccountPage';

const PIN_KEY = ['account', 'pin'];

/** 4 to 6 digits, full-width ones (a Japanese keyboard) folded; null otherwise. The server checks the same. */
function pinOf(raw: string): string | null {
  const digits = raw.normalize('NFKC').trim();
  return /^\d{4,6}$/.test(digits) ? digits : null;
}

/**
 * /account/pin — 暗証番号: the PIN she types at the till to pay with her wallet or points when she has not
 * shown the app's QR. Set or change it (typed twice), or remove it.
 */
export function PinScreen() {
  const t = useT();
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: PIN_KEY, queryFn: () => call(api.GET('/api/account/pin')) });
  const [pin, setPin] = useState('');
  const [again, setAgain] = useState('');
  const [checked, setChecked] = useState(false);
  const [confirmingRemove, setConfirmingRemove] = useState(false);

  const save = useMutation({
    mutationFn: (value: string) => call(api.PUT('/api/account/pin', { body: { pin: value } })),
    onSuccess: (data) => {
      queryClient.setQueryData(PIN_KEY, data);
      setPin('');
      setAgain('');
      setChecked(false);
      remove.reset();
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/account/pin')),
    onSuccess: (data) => {
      queryClient.setQueryData(PIN_KEY, data);
      setConfirmingRemove(false);
      save.reset();
    },
  });

  const value = pinOf(pin);
  const pinError = checked && !value ? t('account.pin.invalid') : undefined;
  const againError = checked && value && pinOf(again) !== value ? t('account.pin.mismatch') : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (value && pinOf(again) === value) save.mutate(value);
  };
  const pinSet = state.data?.pinSet;

  return (
    <AccountPage title={t('account.pin.title')}>
      <p>{t('account.pin.lead')}</p>
      <p className="muted small">{t('account.pin.qrFirst')}</p>
      <ProblemBanner error={state.error} />
      {state.isPending && <p className="muted">{t('common.loading')}</p>}
      {state.data && (
        <p className="account-pin-state" data-testid="pin-state" data-pin-set={String(pinSet)}>
          {pinSet ? t('account.pin.isSet') : t('account.pin.notSet')}
        </p>
      )}
      {save.isSuccess && <SuccessBanner>{t('account.pin.saved')}</SuccessBanner>}
      {remove.isSuccess && <SuccessBanner>{t('account.pin.removed')}</SuccessBanner>}

      {state.data && (
        <form className="card stack" onSubmit={submit} noValidate>
          <h2>{pinSet ? t('account.pin.change') : t('account.pin.set')}</h2>
          <TextField
            label={t('account.pin.new')}
            hint={t('account.pin.hint')}
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            maxLength={6}
            value={pin}
            onChange={(e) => setPin(e.target.value)}
            error={pinError}
          />
          <TextField
            label={t('account.pin.again')}
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            maxLength={6}
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            error={againError}
          />
          <ProblemBanner error={save.error} labels={{ pin: t('account.pin.new') }} />
          <Button type="submit" variant="primary" size="lg" busy={save.isPending}>
            {pinSet ? t('account.pin.submitChange') : t('account.pin.submitSet')}
          </Button>
        </form>
      )}

      {pinSet && (
        <section className="card stack" aria-labelledby="pin-remove-title">
          <h2 id="pin-remove-title">{t('account.pin.removeTitle')}</h2>
          <p className="muted small">{t('account.pin.removeLead')}</p>
          <ProblemBanner error={remove.error} />
          <div className="button-row">
            <Button
              variant={confirmingRemove ? 'danger' : 'secondary'}
              busy={remove.isPending}
              onClick={() => (confirmingRemove ? remove.mutate() : setConfirmingRemove(true))}
            >
              {confirmingRemove ? t('account.pin.removeConfirm') : t('account.pin.remove')}
            </Button>
            {confirmingRemove && (
              <Button variant="ghost" onClick={() => setConfirmingRemove(false)}>
                {t('account.pin.keep')}
              </Button>
            )}
          </div>
        </section>
      )}
    </AccountPage>
  );
}
