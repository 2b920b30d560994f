import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../shared/ui';
import './staff.css';

/** Her till PIN (担当切替): set or change it, confirmed with her password (PUT /api/me/pin). */
export function MyPinCard({ pinSet }: { pinSet: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [pin, setPin] = useState('');
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => call(api.PUT('/api/me/pin', { body: { pin, password } })),
    onSuccess: async () => {
      setPin('');
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} data-testid="my-pin">
      <h2>{t('staffAccount.pin.title')}</h2>
      <p className="muted">{t('staffAccount.pin.intro')}</p>
      <p data-testid="my-pin-state">{t(pinSet ? 'staffAccount.pin.isSet' : 'staffAccount.pin.notSet')}</p>
      {save.isSuccess && <SuccessBanner>{t('staffAccount.pin.saved')}</SuccessBanner>}
      <TextField
        label={t('staffAccount.pin.new')}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={6}
        value={pin}
        onChange={(e) => setPin(e.target.value.normalize('NFKC').replace(/\D/g, ''))}
        error={fieldError(save.error, 'pin')}
        required
      />
      <TextField
        label={t('staffAccount.pin.password')}
        name="current-password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={fieldError(save.error, 'password')}
        required
      />
      {save.error && !fieldError(save.error, 'pin') && !fieldError(save.error, 'password') && (
        <ProblemBanner error={save.error} />
      )}
      <Button type="submit" variant="primary" busy={save.isPending}>
        {t('staffAccount.pin.save')}
      </Button>
    </form>
  );
}

/** Her password: a temporary one from her manager becomes her own (PUT /api/me/password). */
export function MyPasswordCard() {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const save = useMutation({
    mutationFn: () => call(api.PUT('/api/me/password', { body: { currentPassword: current, newPassword: next } })),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  return (
    <form
      className="card stack"
      data-testid="my-password"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2>{t('staffAccount.password.title')}</h2>
      <p className="muted">{t('staffAccount.password.intro')}</p>
      {save.isSuccess && <SuccessBanner>{t('staffAccount.password.saved')}</SuccessBanner>}
      <TextField
        label={t('staffAccount.password.current')}
        name="current-password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={fieldError(save.error, 'currentPassword')}
        required
      />
      <TextField
        label={t('staffAccount.password.new')}
        name="new-password"
        type="password"
        autoComplete="new-password"
        minLength={10}
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={fieldError(save.error, 'newPassword')}
        required
      />
      {save.error && !fieldError(save.error, 'currentPassword') && !fieldError(save.error, 'newPassword') && (
        <ProblemBanner error={save.error} />
      )}
      <Button type="submit" variant="secondary" busy={save.isPending}>
        {t('staffAccount.password.save')}
      </Button>
    </form>
  );
}
