import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { ProblemBanner } from '../shared/ui';
import { locationName, myLocations, useLocations } from '../shared/locations';
import type { Session } from '../shared/staff-session';

/** /store — which store am I working in today? Big buttons, one per location this person may use. */
export function PickStoreScreen({ session }: { session: Session }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const mine = locations.data ? myLocations(session, locations.data) : [];

  return (
    <main className="page store narrow">
      <h1>{t('store.pick.title')}</h1>
      <p className="muted">
        {t('store.pick.hello', { name: session.staff.name })} <Link href="/store/security">{t('store.totp.menu')}</Link>
        {session.staff.role === 'store_manager' && (
          <>
            {' '}
            <Link href="/store/staff">{t('staffAccount.staffAdmin')}</Link>
          </>
        )}
      </p>
      <ProblemBanner error={locations.error} />
      {locations.isPending && <p className="muted">{t('common.loading')}</p>}
      {locations.isSuccess && mine.length === 0 && <p className="banner banner-info">{t('store.pick.none')}</p>}
      <ul className="store-list">
        {mine.map((l) => (
          <li key={l.id}>
            <Link href={`/store/${encodeURIComponent(l.id)}/stock`} className="store-button">
              <span className="store-name">{locationName(l, lang)}</span>
              <span className="muted">
                {l.kind === 'warehouse' ? t('store.pick.warehouse') : [l.prefecture, l.city].filter(Boolean).join(' ')}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </main>
  );
}
