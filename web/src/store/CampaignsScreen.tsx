import { useT } from '../shared/i18n';
import { CampaignsPage } from '../shared/engagement/CampaignsPage';
import { SegmentsPage } from '../shared/engagement/SegmentsPage';
import type { Session } from '../shared/staff-session';

/**
 * /store/:id/campaigns — a store manager's キャンペーン tab: the members she may reach (her segments, held to
 * her store's members by the server) and her campaigns, with head office's components in store scope.
 */
export function CampaignsScreen(_: { session: Session; locationId: string }) {
  const t = useT();
  return (
    <main className="page store store-campaigns">
      <h1>{t('store.campaigns.title')}</h1>
      <p className="muted">{t('store.campaigns.lead')}</p>
      <h2>{t('store.segments.title')}</h2>
      <SegmentsPage scope="store" />
      <h2>{t('store.tab.campaigns')}</h2>
      <CampaignsPage scope="store" />
    </main>
  );
}
