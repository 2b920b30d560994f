import { useEffect, type ReactNode } from 'react';
import { useT } from './shared/i18n';
import { Link, matchPath, navigate, useLocationPath } from './shared/router';
import { Header } from './shared/ui';
import { ProductScreen } from './shop/ProductScreen';
import { SearchScreen } from './shop/SearchScreen';
import { LoginScreen } from './store/LoginScreen';
import { PickStoreScreen } from './store/PickStoreScreen';
import { ReservationsScreen } from './store/ReservationsScreen';
import { StockScreen } from './store/StockScreen';
import { StoreLayout } from './store/StoreLayout';
import { TransfersScreen } from './store/TransfersScreen';
import { useSession, type Session } from './store/session';

const storeScreens = {
  stock: StockScreen,
  transfers: TransfersScreen,
  reservations: ReservationsScreen,
} satisfies Record<string, (p: { session: Session; locationId: string }) => ReactNode>;

/** Store screens need a signed-in staff member; without one, go to the login screen. */
function RequireStaff({ children }: { children: (session: Session) => ReactNode }) {
  const session = useSession();
  useEffect(() => {
    if (!session) navigate('/store/login', { replace: true });
  }, [session]);
  return session ? children(session) : null;
}

function Routes() {
  const t = useT();
  const { pathname } = useLocationPath();
  let m: Record<string, string> | null;

  if (pathname === '/' || matchPath('/shop', pathname)) return <SearchScreen />;
  if ((m = matchPath('/shop/products/:id', pathname))) return <ProductScreen key={m.id} id={m.id!} />;
  if (matchPath('/store/login', pathname)) return <LoginScreen />;
  if (matchPath('/store', pathname)) return <RequireStaff>{(s) => <PickStoreScreen session={s} />}</RequireStaff>;
  if ((m = matchPath('/store/:locationId/:screen', pathname)) && m.screen! in storeScreens) {
    const Screen = storeScreens[m.screen as keyof typeof storeScreens];
    const locationId = m.locationId!;
    return (
      <RequireStaff>
        {(s) => (
          <StoreLayout session={s} locationId={locationId}>
            <Screen key={locationId} session={s} locationId={locationId} />
          </StoreLayout>
        )}
      </RequireStaff>
    );
  }
  return (
    <main className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </main>
  );
}

export function App() {
  return (
    <>
      <Header />
      <Routes />
    </>
  );
}
