import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { navigate } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../shared/ui';
import { customerSignIn } from '../shared/customer/session';

/** /account/reset — ask for a 6-digit code by e-mail, then set a new password with it (other sessions end). */
export function PasswordResetScreen() {
  const t = useT();
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const request = useMutation({
    mutationFn: () => call(api.POST('/api/customer-auth/password-reset', { body: { email: email.trim() } })),
  });
  const confirm = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/customer-auth/password-reset/confirm', {
          body: { email: email.trim(), code: code.normalize('NFKC').trim(), password },
        }),
      ),
    onSuccess: (session) => {
      customerSignIn(session);
      navigate('/account', { replace: true });
    },
  });

  const send = (e: FormEvent) => {
    e.preventDefault();
    request.mutate();
  };
  const change = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate();
  };

  return (
    <main className="page narrow account">
      <h1>{t('account.reset.title')}</h1>
      <form className="card stack" onSubmit={send}>
        <p className="muted">{t('account.reset.lead')}</p>
        <TextField
          label={t('account.field.email')}
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(request.error, 'email')}
        />
        <ProblemBanner error={request.error} />
        {request.isSuccess && <SuccessBanner>{t('account.reset.sent')}</SuccessBanner>}
        <Button type="submit" variant={request.isSuccess ? 'secondary' : 'primary'} size="lg" busy={request.isPending}>
          {t('account.reset.send')}
        </Button>
      </form>
      {request.isSuccess && (
        <form className="card stack" onSubmit={change}>
          <TextField
            label={t('account.reset.code')}
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={fieldError(confirm.error, 'code')}
          />
          <TextField
            label={t('account.reset.newPassword')}
            type="password"
            name="password"
            autoComplete="new-password"
            hint={t('account.field.passwordHint')}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError(confirm.error, 'password')}
          />
          <ProblemBanner error={confirm.error} />
          <Button type="submit" variant="primary" size="lg" busy={confirm.isPending}>
            {t('account.reset.submit')}
          </Button>
        </form>
      )}
    </main>
  );
}
