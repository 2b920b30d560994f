import { useEffect, useRef } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Link, useLocationPath } from '../shared/router';
import { ProblemBanner, SuccessBanner } from '../shared/ui';
import { AccountPage } from './AccountPage';

/** /account/line — LINE sends her back here with a code and the state; the server finishes the linking. */
export function LineCallbackScreen() {
  const t = useT();
  const queryClient = useQueryClient();
  const { search } = useLocationPath();
  const code = search.get('code');
  const state = search.get('state');
  const cancelled = search.get('error');
  const link = useMutation({
    mutationFn: (body: { code: string; state: string }) => call(api.POST('/api/account/line/link', { body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['account', 'line'] });
      void queryClient.invalidateQueries({ queryKey: ['account', 'consents'] });
    },
  });
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || !code || !state) return;
    sent.current = true; // a code is good once: never send it twice (React's double effects in development)
    link.mutate({ code, state });
  }, [code, state, link]);
  return (
    <AccountPage title={t('account.line.title')}>
      {cancelled || (!code && !state) ? (
        <p className="banner banner-error">{t('account.line.cancelled')}</p>
      ) : link.isPending ? (
        <p className="muted">{t('account.line.linking')}</p>
      ) : link.isSuccess ? (
        <SuccessBanner>{link.data.marketing ? t('account.line.doneWithOffers') : t('account.line.done')}</SuccessBanner>
      ) : (
        <ProblemBanner error={link.error} />
      )}
      <p>
        <Link href="/account/consents">{t('account.line.back')}</Link>
      </p>
    </AccountPage>
  );
}
