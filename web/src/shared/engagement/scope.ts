/**
 * Who a campaign screen is for: head office (every member, every campaign) or a store manager (her store's
 * members and campaigns only — the server holds her to them; the screen only leaves out what she may not do).
 */
import type { Lang } from '../i18n';
import { useLang, useT } from '../i18n';
import { locationName, useLocations } from '../locations';

export type EngagementScope = 'hq' | 'store';

/** 「渋谷店の会員」 for a store's segment or campaign, 「全会員（本部）」 for head office's. */
export function useScopeText(): (storeScope: readonly string[] | null) => string {
  const t = useT();
  const lang: Lang = useLang();
  const locations = useLocations().data ?? [];
  return (storeScope) => {
    if (!storeScope?.length) return t('hq.campaigns.scope.all');
    const names = storeScope.map((id) => {
      const l = locations.find((x) => x.id === id);
      return l ? locationName(l, lang) : '…';
    });
    return t('hq.campaigns.scope.stores', { stores: names.join('・') });
  };
}
