import { useState } from 'react';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../shared/ui';
import { CampaignForm } from './campaigns/CampaignForm';
import { CampaignPanel } from './campaigns/CampaignPanel';
import { useCampaigns } from './campaigns/useCampaigns';

/** /hq/campaigns — messages to segments: drafts, sending, and how each fared. */
export function CampaignsScreen() {
  const t = useT();
  const lang = useLang();
  const campaigns = useCampaigns();
  const [open, setOpen] = useState<string | null>(null);

  return (
    <main className="page store hq-campaigns">
      <h1>{t('hq.campaigns.title')}</h1>
      <p className="muted">{t('hq.campaigns.lead')}</p>
      {open ? (
        <CampaignPanel key={open} id={open} onClose={() => setOpen(null)} />
      ) : (
        <CampaignForm onCreated={setOpen} />
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
    </main>
  );
}
