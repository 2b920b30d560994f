import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Link, navigate } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../shared/ui';
import { AccountPage } from './AccountPage';
import { customerSignOut } from '../shared/customer/session';

/** Hand a document to the browser as a file download (no server round trip for the file itself). */
function download(data: unknown, filename: string) {
  const blob = data instanceof Blob ? data : new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * /account/privacy — 開示 and 退会 (APPI / GDPR): download everything held about me as JSON or as a ZIP of
 * CSV files (Excel opens them), and close
 * the account. Closing takes two steps and the password, because it cannot be undone.
 */
export function PrivacyScreen() {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const stem = `musubi-data-${new Date().toISOString().slice(0, 10)}`;
  const [file, setFile] = useState('');

  const exportData = useMutation({
    mutationFn: async (format: 'json' | 'zip') =>
      format === 'zip'
        ? call(api.POST('/api/account/export.zip', { parseAs: 'blob' }))
        : call(api.POST('/api/account/export')),
    onSuccess: (data, format) => {
      const name = `${stem}.${format}`;
      setFile(name);
      download(data, name);
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.POST('/api/account/delete', { body: { password } })),
    onSuccess: () => {
      // Off the signed-in pages first, so the sign-out does not send her to the login screen.
      navigate('/account/closed', { replace: true });
      customerSignOut();
    },
  });
  const submitDelete = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate();
  };

  return (
    <AccountPage title={t('account.privacy.title')}>
      <section className="card stack" aria-labelledby="export-title">
        <h2 id="export-title">{t('account.privacy.exportTitle')}</h2>
        <p>{t('account.privacy.exportLead')}</p>
        <ProblemBanner error={exportData.error} />
        {exportData.isSuccess && <SuccessBanner>{t('account.privacy.exported', { file })}</SuccessBanner>}
        <div className="stack">
          <Button onClick={() => exportData.mutate('zip')} busy={exportData.isPending} size="lg">
            {t('account.privacy.exportZip')}
          </Button>
          <Button variant="secondary" onClick={() => exportData.mutate('json')} busy={exportData.isPending} size="lg">
            {t('account.privacy.export')}
          </Button>
        </div>
      </section>

      <section className="card stack danger-zone" aria-labelledby="delete-title">
        <h2 id="delete-title">{t('account.privacy.deleteTitle')}</h2>
        <p>{t('account.privacy.deleteLead')}</p>
        {!confirming ? (
          <Button variant="secondary" size="lg" onClick={() => setConfirming(true)}>
            {t('account.privacy.deleteStart')}
          </Button>
        ) : (
          <form className="stack" onSubmit={submitDelete}>
            <p className="banner banner-error" role="alert">
              {t('account.privacy.deleteConfirmLead')}
            </p>
            <TextField
              label={t('account.field.password')}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={fieldError(remove.error, 'password')}
              autoFocus
            />
            <ProblemBanner error={remove.error} />
            <div className="stack">
              <Button onClick={() => setConfirming(false)}>{t('common.cancel')}</Button>
              <Button type="submit" variant="danger" size="lg" busy={remove.isPending} disabled={!password}>
                {t('account.privacy.deleteConfirm')}
              </Button>
            </div>
          </form>
        )}
      </section>
    </AccountPage>
  );
}

/** /account/closed — where closing the account ends. */
export function AccountClosedScreen() {
  const t = useT();
  return (
    <main className="page narrow account">
      <SuccessBanner>{t('account.privacy.deleted')}</SuccessBanner>
      <p>
        <Link href="/shop">{t('notFound.home')}</Link>
      </p>
    </main>
  );
}
