import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useLang, useT } from '../i18n';
import { locationName } from '../locations';
import { isChainWide, type Session } from '../staff-session';
import { ProblemBanner } from '../ui';
import { SlotCapacityForm } from './SlotCapacityForm';
import { PrinterForm } from './PrinterForm';
import { ScanAndGoForm } from './ScanAndGoForm';
import { StoreDetailsForm } from './StoreDetailsForm';
import { StoreEventsForm } from './StoreEventsForm';

/**
 * 店舗設定 of one store, as head office (/hq/stores/:id) and the store's own screens (/store/:id/settings)
 * show it: details, hours, services and pickup days; the slots of the services it offers; its receipt
 * printer; スキャン＆ゴー; its events (店舗イベント) on the shop's store page. Head office and the store's manager change it, the store's staff read it.
 */
export function StoreSettings({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const location = useQuery({
    queryKey: ['location', locationId],
    queryFn: () => call(api.GET('/api/locations/{id}', { params: { path: { id: locationId } } })),
  });
  const headOffice = isChainWide(session);
  const canEdit =
    headOffice || (session.staff.role === 'store_manager' && session.staff.locationIds.includes(locationId));
  const l = location.data;
  return (
    <div className="store-settings stack">
      <h1>
        {t('storeSettings.title')}
        {l && <span className="muted"> — {locationName(l, lang)}</span>}
      </h1>
      <ProblemBanner error={location.error} />
      {!l && !location.error && <p className="muted">{t('common.loading')}</p>}
      {l && (
        <>
          <StoreDetailsForm location={l} canEdit={canEdit} headOffice={headOffice} />
          {(l.services.orderAhead || l.services.deliveryRadiusKm !== null) && (
            <section className="stack">
              <h2>{t('storeSettings.slots')}</h2>
              <p className="muted small">{t('storeSettings.slotsHint')}</p>
              {l.services.orderAhead && <SlotCapacityForm session={session} locationId={l.id} kind="order_ahead" />}
              {l.services.deliveryRadiusKm !== null && (
                <SlotCapacityForm session={session} locationId={l.id} kind="delivery" />
              )}
            </section>
          )}
          {l.kind === 'store' && <ScanAndGoForm locationId={l.id} canEdit={canEdit} />}
          {l.kind === 'store' && <StoreEventsForm locationId={l.id} canEdit={canEdit} />}
          <PrinterForm locationId={l.id} canEdit={canEdit} />
        </>
      )}
    </div>
  );
}
