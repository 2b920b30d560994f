import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner, TextField } from '../shared/ui';
import { MemberQr } from '../shared/customer/MemberQr';
import { SignedInDevices } from '../shared/SignedInDevices';
import type { Session } from '../shared/staff-session';
import { useMe } from './me';
import { MyPasswordCard, MyPinCard } from './MyPinCard';

/** The key as people type it from a screen: groups of four. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/**
 * /store/security — her own sign-in security: two-factor sign-in (set it up with the QR for the
 * authenticator app or the key as text, then a code to confirm; or turn it off with a current code unless
 * her role requires it), and her signed-in devices (ログイン中の端末). When the
 * owner requires it of her role and she has not set it up, every staff screen brings her here.
 */
export function TwoFactorScreen({ session }: { session: Session }) {
  const t = useT();
  const queryClient = useQueryClient();
  const me = useMe(session);
  const [code, setCode] = useState('');
  const [done, setDone] = useState<'enabled' | 'disabled' | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['me'] });

  const start = useMutation({
    mutationFn: () => call(api.POST('/api/me/totp')),
    onSuccess: () => {
      setCode('');
      setDone(null);
    },
  });
  const confirm = useMutation({
    mutationFn: () => call(api.POST('/api/me/totp/confirm', { body: { code } })),
    onSuccess: async () => {
      setDone('enabled');
      setCode('');
      start.reset();
      await refresh();
    },
  });
  const disable = useMutation({
    mutationFn: () => call(api.DELETE('/api/me/totp', { body: { code } })),
    onSuccess: async () => {
      setDone('disabled');
      setCode('');
      await refresh();
    },
  });

  const totp = me.data?.totp;
  const codeField = () => (
    <TextField
      label={t('store.login.code')}
      name="totp"
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={6}
      autoComplete="one-time-code"
      value={code}
      onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))}
      required
    />
  );
  const submit = (run: () => void) => (e: FormEvent) => {
    e.preventDefault();
    run();
  };

  return (
    <main className="page store narrow">
      <h1>{t('staffAccount.menu')}</h1>
      <h2>{t('store.totp.title')}</h2>
      <p className="muted">{t('store.totp.intro')}</p>
      <ProblemBanner error={me.error} />
      {me.isPending && <p className="muted">{t('common.loading')}</p>}
      {done === 'enabled' && <SuccessBanner>{t('store.totp.enabled')}</SuccessBanner>}
      {done === 'disabled' && <SuccessBanner>{t('store.totp.disabled')}</SuccessBanner>}
      {totp?.enrolmentRequired && <p className="banner banner-info">{t('store.totp.requiredNow')}</p>}

      {totp && !totp.enabled && !start.data && (
        <div className="card stack totp-card">
          <p>{t('store.totp.off')}</p>
          <ProblemBanner error={start.error} />
          <Button variant="primary" size="lg" busy={start.isPending} onClick={() => start.mutate()}>
            {t('store.totp.start')}
          </Button>
        </div>
      )}

      {totp && !totp.enabled && start.data && (
        <form className="card stack totp-card" onSubmit={submit(() => confirm.mutate())}>
          <p>{t('store.totp.scan')}</p>
          <div className="member-qr-frame totp-qr">
            <MemberQr code={start.data.uri} label={t('store.totp.qr')} />
          </div>
          <p className="muted">{t('store.totp.manual')}</p>
          <p className="totp-secret" data-testid="totp-secret" data-secret={start.data.secret}>
            {grouped(start.data.secret)}
          </p>
          <p>{t('store.totp.confirmHint')}</p>
          {codeField()}
          <ProblemBanner error={confirm.error} />
          <Button type="submit" variant="primary" size="lg" busy={confirm.isPending}>
            {t('store.totp.confirm')}
          </Button>
        </form>
      )}

      {totp?.enabled && (
        <div className="card stack totp-card">
          <p>{t('store.totp.on')}</p>
          {totp.required ? (
            <p className="muted">{t('store.totp.requiredKeep')}</p>
          ) : (
            <form className="stack" onSubmit={submit(() => disable.mutate())}>
              <p className="muted">{t('store.totp.disableHint')}</p>
              {codeField()}
              <ProblemBanner error={disable.error} />
              <Button type="submit" variant="secondary" busy={disable.isPending}>
                {t('store.totp.disable')}
              </Button>
            </form>
          )}
        </div>
      )}

      {/* Her till PIN (担当切替) and password; a store manager's way to スタッフ管理. */}
      {me.data && !totp?.enrolmentRequired && !me.data.bootstrap && (
        <>
          <MyPinCard pinSet={me.data.pinSet} />
          <MyPasswordCard />
        </>
      )}
      {me.data && !totp?.enrolmentRequired && me.data.role !== 'staff' && (
        <p>
          <Link href={me.data.role === 'store_manager' ? '/store/staff' : '/hq/staff'} data-testid="staff-admin-link">
            {t('staffAccount.staffAdmin')}
          </Link>
        </p>
      )}

      {/* Her sessions: reachable once she may use the other routes (not while she must still enrol). */}
      {totp && !totp.enrolmentRequired && <SignedInDevices audience="staff" />}

      {totp && !totp.enrolmentRequired && (
        <p>
          <Link href="/store">{t('store.totp.back')}</Link>
        </p>
      )}
    </main>
  );
}
