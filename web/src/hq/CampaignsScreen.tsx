import { useT } from '../shared/i18n';
import { CampaignsPage } from '../shared/engagement/CampaignsPage';

/** /hq/campaigns — messages to segments: drafts, sending, and how each fared; every store's too. */
export function CampaignsScreen() {
  const t = useT();
  return (
    <main className="page store hq-campaigns">
      <h1>{t('hq.campaigns.title')}</h1>
      <p className="muted">{t('hq.campaigns.lead')}</p>
      <CampaignsPage scope="hq" />
    </main>
  );
}
