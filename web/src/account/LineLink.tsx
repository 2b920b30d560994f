import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner } from '../shared/ui';

/**
 * 「LINEと連携する」: LINE Login in this window (the server hands the authorize URL with a signed state), so
 * the official account can answer her (在庫・取り置き) and, if she ticks it, send her offers on LINE.
 */
export function LineLink() {
  const t = useT();
  const queryClient = useQueryClient();
  const [marketing, setMarketing] = useState(false);
  const status = useQuery({ queryKey: ['account', 'line'], queryFn: () => call(api.GET('/api/account/line')) });
  const start = useMutation({
    mutationFn: () => call(api.POST('/api/account/line/authorize', { body: { marketing } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const unlink = useMutation({
    mutationFn: () => call(api.DELETE('/api/account/line')),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['account', 'line'] });
      void queryClient.invalidateQueries({ queryKey: ['account', 'consents'] });
    },
  });
  if (!status.data?.available && !status.data?.linked) return null;
  return (
    <section className="card stack" aria-labelledby="line-title">
      <h2 id="line-title">{t('account.line.title')}</h2>
      <ProblemBanner error={status.error ?? start.error ?? unlink.error} />
      {status.data.linked ? (
        <>
          <SuccessBanner>{t('account.line.linked')}</SuccessBanner>
          <Button busy={unlink.isPending} onClick={() => unlink.mutate()}>
            {t('account.line.unlink')}
          </Button>
        </>
      ) : (
        <>
          <p>{t('account.line.lead')}</p>
          <label className="check">
            <input type="checkbox" checked={marketing} onChange={(e) => setMarketing(e.target.checked)} />
            <span>{t('account.line.marketing')}</span>
          </label>
          <Button variant="primary" size="lg" busy={start.isPending} onClick={() => start.mutate()}>
            {t('account.line.link')}
          </Button>
        </>
      )}
    </section>
  );
}
