import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { deviceId } from '../shared/device';
import { useT } from '../shared/i18n';
import { flushEvents } from '../shared/track';
import { Link, navigate, nextPath, useLocationPath } from '../shared/router';
import {
  Button,
  EmailCodeField,
  EmailCodeSent,
  LoginWaitBanner,
  ProblemBanner,
  TextField,
  fieldError,
  problemOf,
  useLoginWait,
} from '../shared/ui';
import { customerSessionExpired, customerSignIn, useCustomerSession } from '../shared/customer/session';

/**
 * /account/login — e-mail and password; this browser's earlier browsing joins the member (device id).
 * After many failures on the account the server asks for a code it e-mailed (auth.email_code_required):
 * a code field appears. A 429 shows how long to wait, counting down.
 */
export function CustomerLoginScreen() {
  const t = useT();
  const session = useCustomerSession();
  const { search } = useLocationPath();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [emailCode, setEmailCode] = useState('');
  const [needsEmailCode, setNeedsEmailCode] = useState(false);
  const login = useMutation({
    mutationFn: async () => {
      await flushEvents();
      return call(
        api.POST('/api/customer-auth/login', {
          body: {
            email: email.trim(),
            password,
            deviceId: deviceId(),
            ...(needsEmailCode ? { emailCode: emailCode.trim() } : {}),
          },
        }),
      );
    },
    onSuccess: customerSignIn,
    onError: (error) => {
      const problem = problemOf(error)?.code;
      if (problem === 'auth.email_code_required' || problem === 'auth.email_code_invalid') setNeedsEmailCode(true);
      if (problem === 'auth.email_code_invalid') setEmailCode('');
    },
  });
  const asked = problemOf(login.error)?.code;
  const wait = useLoginWait(login.error);
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
        {needsEmailCode && <EmailCodeField value={emailCode} onChange={setEmailCode} />}
        {asked === 'auth.email_code_required' && <EmailCodeSent />}
        {wait > 0 && <LoginWaitBanner seconds={wait} />}
        <ProblemBanner
          error={asked === 'auth.email_code_required' || asked === 'auth.too_many_attempts' ? null : login.error}
          labels={{ email: t('account.field.email'), password: t('account.field.password') }}
        />
        <Button type="submit" variant="primary" size="lg" busy={login.isPending} disabled={wait > 0}>
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
