import { useEffect, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { navigate, nextPath, useLocationPath } from '../shared/router';
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
import { sessionExpired, signIn, useSession } from '../shared/staff-session';

/**
 * /store/login (and /hq/login, the head office's door: `home` /hq) — e-mail and password; the token is kept for this tab only. `?next=` says where to go after.
 * With two-factor sign-in on, the server answers the password with auth.totp_required: the code field
 * appears and the three are sent again. After many failures on the account the server asks for a code it
 * e-mailed (auth.email_code_required): that field appears too. A 429 shows how long to wait, counting down.
 */
export function LoginScreen({ home = '/store' }: { home?: '/store' | '/hq' }) {
  const t = useT();
  const session = useSession();
  const { search } = useLocationPath();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [needsCode, setNeedsCode] = useState(false);
  const [emailCode, setEmailCode] = useState('');
  const [needsEmailCode, setNeedsEmailCode] = useState(false);
  const login = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/auth/login', {
          body: {
            email: email.trim(),
            password,
            ...(needsCode ? { totp: code.trim() } : {}),
            ...(needsEmailCode ? { emailCode: emailCode.trim() } : {}),
          },
        }),
      ),
    onSuccess: signIn,
    onError: (error) => {
      const problem = problemOf(error)?.code;
      if (problem === 'auth.totp_required' || problem === 'auth.totp_invalid') setNeedsCode(true);
      if (problem === 'auth.totp_invalid') setCode('');
      if (problem === 'auth.email_code_required' || problem === 'auth.email_code_invalid') setNeedsEmailCode(true);
      if (problem === 'auth.email_code_invalid') setEmailCode('');
    },
  });
  // Asked for a code: that is the next step, not an error to show.
  const asked = problemOf(login.error)?.code;
  const askedForCode = asked === 'auth.totp_required' || asked === 'auth.email_code_required';
  const wait = useLoginWait(login.error);
  // Signed in (or already, after a reload or the back button): back where they were going, or the store list.
  useEffect(() => {
    if (session) navigate(nextPath(search, home), { replace: true });
  }, [session, search, home]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  return (
    <main className="page store narrow">
      <h1>{t(home === '/hq' ? 'hq.login.title' : 'store.login.title')}</h1>
      {sessionExpired() && !login.error && <p className="banner banner-info">{t('store.login.expired')}</p>}
      <form className="card stack" onSubmit={submit}>
        <TextField
          label={t('store.login.email')}
          type="email"
          name="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldError(login.error, 'email')}
          autoFocus
        />
        <TextField
          label={t('store.login.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldError(login.error, 'password')}
        />
        {needsEmailCode && <EmailCodeField value={emailCode} onChange={setEmailCode} />}
        {needsCode && (
          <TextField
            label={t('store.login.code')}
            hint={t('store.login.codeHint')}
            name="totp"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={6}
            autoComplete="one-time-code"
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
            autoFocus
            required
          />
        )}
        {asked === 'auth.email_code_required' && <EmailCodeSent />}
        {wait > 0 && <LoginWaitBanner seconds={wait} />}
        <ProblemBanner
          error={askedForCode || asked === 'auth.too_many_attempts' ? null : login.error}
          labels={{ email: t('store.login.email'), password: t('store.login.password') }}
        />
        <Button type="submit" variant="primary" size="lg" busy={login.isPending} disabled={wait > 0}>
          {t('store.login.submit')}
        </Button>
      </form>
    </main>
  );
}
