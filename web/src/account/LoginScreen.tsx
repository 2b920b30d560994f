import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { deviceId } from '../shared/device';
import { useT } from '../shared/i18n';
import { flushEvents } from '../shared/track';
import { Link, navigate, nextPath, useLocationPath } from '../shared/router';
import { Button, ProblemBanner, TextField, fieldError } from '../shared/ui';
import { customerSessionExpired, customerSignIn, useCustomerSession } from '../shared/customer/session';

/** /account/login — e-mail and password; this browser's earlier browsing joins the member (device id). */
export function CustomerLoginScreen() {
  const t = useT();
  const session = useCustomerSession();
  const { search } = useLocationPath();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: async () => {
      await flushEvents();
      return call(
        api.POST('/api/customer-auth/login', { body: { email: email.trim(), password, deviceId: deviceId() } }),
      );
    },
    onSuccess: customerSignIn,
  });
  useEffect(() => {
    if (session) navigate(nextPath(search, '/account'), { replace: true });
  }, [session, search]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  return (
    <main className="page narrow account">
      <h1>{t('account.login.title')}</h1>
      {customerSessionExpired() && !login.error && <p className="banner banner-info">{t('account.login.expired')}</p>}
      <form className="card stack" onSubmit={submit}>
        <TextField
          label={t('account.field.email')}
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(login.error, 'email')}
        />
        <TextField
          label={t('account.field.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(login.error, 'password')}
        />
        <ProblemBanner
          error={login.error}
          labels={{ email: t('account.field.email'), password: t('account.field.password') }}
        />
        <Button type="submit" variant="primary" size="lg" busy={login.isPending}>
          {t('account.login.submit')}
        </Button>
        <Link href="/account/reset" className="small">
          {t('account.login.forgot')}
        </Link>
      </form>
      <p className="account-switch">
        {t('account.login.new')}{' '}
        <Link href={`/account/signup${window.location.search}`}>{t('account.login.signup')}</Link>
      </p>
    </main>
  );
}
