import { StoreSettings } from '../shared/store-settings/StoreSettings';
import type { Session } from '../shared/staff-session';

/**
 * /store/:id/settings — 店舗設定 of the store she works in, reached from the link beside the store's name
 * (not one more tab): its manager changes it, her staff read it.
 */
export function StoreSettingsScreen({ session, locationId }: { session: Session; locationId: string }) {
  return (
    <main className="page narrow">
      <StoreSettings session={session} locationId={locationId} />
    </main>
  );
}
