import { useState } from 'react';
import { formatDateTime } from '../format';
import { useLang, useT } from '../i18n';
import { Button, DataTable, ProblemBanner } from '../ui';
import { CampaignForm } from './campaigns/CampaignForm';
import { CampaignPanel } from './campaigns/CampaignPanel';
import { useCampaigns } from './campaigns/useCampaigns';
import { useScopeText, type EngagementScope } from './scope';

/**
 * Campaigns: the new-campaign form (or the open one) and the list — head office's screen (/hq/campaigns)
 * and a store manager's (the store's キャンペーン tab), where the server lists only her store's.
 */
export function CampaignsPage({ scope }: { scope: EngagementScope }) {
  const t = useT();
  const lang = useLang();
  const campaigns = useCampaigns();
  const scopeText = useScopeText();
  const [open, setOpen] = useState<string | null>(null);

  return (
    <>
      {open ? (
        <CampaignPanel key={open} id={open} onClose={() => setOpen(null)} />
      ) : (
        <CampaignForm onCreated={setOpen} scope={scope} />
      )}
      <section className="card">
        <h2>{t('hq.campaigns.list')}</h2>
        <ProblemBanner error={campaigns.error} />
        <DataTable
          stacked
          rows={campaigns.data ?? []}
          rowKey={(c) => c.id}
          empty={campaigns.isPending ? t('common.loading') : t('hq.campaigns.none')}
          columns={[
            {
              key: 'name',
              header: t('hq.campaigns.name'),
              cell: (c) => (
                <Button variant="ghost" onClick={() => setOpen(c.id)}>
                  {c.name}
                </Button>
              ),
            },
            {
              key: 'kind',
              header: t('hq.campaigns.kind'),
              cell: (c) => t(`hq.campaigns.kind.${c.trigger?.kind ?? 'segment'}`),
            },
            { key: 'scope', header: t('hq.campaigns.scope'), cell: (c) => scopeText(c.storeScope) },
            {
              key: 'status',
              header: t('hq.campaigns.statusLabel'),
              cell: (c) =>
                c.status === 'draft' && c.scheduledAt
                  ? t('hq.campaigns.scheduledFor', { at: formatDateTime(c.scheduledAt, lang) })
                  : t(`hq.campaigns.status.${c.status}`),
            },
            {
              key: 'reach',
              header: t('hq.campaigns.count.queued'),
              align: 'end',
              cell: (c) => (c.counts ? c.counts.queued?.toLocaleString('ja-JP') : '—'),
            },
            {
              key: 'when',
              header: t('hq.campaigns.sentAt'),
              cell: (c) => {
                const at = c.sentAt ?? c.activatedAt;
                return at ? formatDateTime(at, lang) : '—';
              },
            },
          ]}
        />
      </section>
    </>
  );
}
