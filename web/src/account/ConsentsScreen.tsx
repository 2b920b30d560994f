import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ConsentChange } from '../shared/api/types';
import { ConsentHistory, ConsentSwitches } from '../shared/customer/ConsentGrid';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner } from '../shared/ui';
import { AccountPage } from './AccountPage';
import { LineLink } from './LineLink';
import { PushOptIn } from './PushOptIn';

/**
 * /account/consents — which channel may tell me about what. Opt-in: nothing is on until she turns it on.
 * Changes are a draft until 保存, and the whole grid is sent (the server records only what changed).
 */
export function ConsentsScreen() {
  const t = useT();
  const queryClient = useQueryClient();
  const consents = useQuery({
    queryKey: ['account', 'consents'],
    queryFn: () => call(api.GET('/api/account/consents')),
  });
  const [draft, setDraft] = useState<ConsentChange[] | null>(null);
  useEffect(() => {
    if (consents.data && !draft)
      setDraft(consents.data.items.map(({ channel, purpose, granted }) => ({ channel, purpose, granted })));
  }, [consents.data, draft]);

  const save = useMutation({
    mutationFn: (items: ConsentChange[]) => call(api.PUT('/api/account/consents', { body: { items } })),
    onSuccess: (data) => {
      queryClient.setQueryData(['account', 'consents'], data);
      setDraft(data.items.map(({ channel, purpose, granted }) => ({ channel, purpose, granted })));
    },
  });
  const dirty =
    !!draft &&
    !!consents.data &&
    draft.some(
      (d) => consents.data.items.find((c) => c.channel === d.channel && c.purpose === d.purpose)?.granted !== d.granted,
    );

  const change = (c: ConsentChange) => {
    save.reset();
    setDraft((d) => d && d.map((x) => (x.channel === c.channel && x.purpose === c.purpose ? c : x)));
  };

  return (
    <AccountPage title={t('account.consents.title')}>
      <p>{t('account.consents.lead')}</p>
      <ProblemBanner error={consents.error ?? save.error} />
      {consents.isPending && <p className="muted">{t('common.loading')}</p>}
      {draft && (
        <div className="stack">
          <ConsentSwitches values={draft} onChange={change} />
          {save.isSuccess && !dirty && <SuccessBanner>{t('account.consents.saved')}</SuccessBanner>}
          <Button
            variant="primary"
            size="lg"
            disabled={!dirty}
            busy={save.isPending}
            onClick={() => save.mutate(draft)}
          >
            {t('account.consents.save')}
          </Button>
          {/* Subscribing records her push consent on the server: the switches show it too, unsaved edits kept. */}
          <PushOptIn onSubscribed={() => change({ channel: 'push', purpose: 'marketing', granted: true })} />
          <LineLink />
        </div>
      )}
      {consents.data && (
        <>
          <h2>{t('account.consents.history')}</h2>
          <ConsentHistory history={consents.data.history} />
        </>
      )}
    </AccountPage>
  );
}
