// First: the staff screens' words join the catalogue before any of them renders.
import './shared/i18n/staff-screens';
import { CustomerProfileScreen } from './hq/CustomerProfileScreen';
import { CustomersScreen } from './hq/CustomersScreen';
import { DeliveriesScreen } from './hq/DeliveriesScreen';
import { WebhooksScreen } from './hq/WebhooksScreen';
import { ImportsScreen } from './hq/ImportsScreen';
import { ApiTokensScreen } from './hq/ApiTokensScreen';
import { CustomerValueScreen } from './hq/value/CustomerValueScreen';
import { CouponEffectScreen } from './hq/coupons/CouponEffectScreen';
import { ForecastScreen } from './hq/forecast/ForecastScreen';
import { RfmScreen } from './hq/rfm/RfmScreen';
import { StockoutsScreen } from './hq/stockouts/StockoutsScreen';
import { CohortsScreen } from './hq/cohorts/CohortsScreen';
import { LtvScreen } from './hq/cohorts/LtvScreen';
import { DuplicatesScreen } from './hq/DuplicatesScreen';
import { HqLayout } from './hq/HqLayout';
import { ProductsScreen } from './hq/products/ProductsScreen';
import { ProductImagesScreen } from './hq/products/ProductImagesScreen';
import { CatalogScreen } from './hq/CatalogScreen';
import { OrdersScreen } from './hq/OrdersScreen';
import { ReviewsScreen } from './hq/ReviewsScreen';
import { OrderDetailScreen } from './hq/OrderDetailScreen';
import { PromotionsScreen } from './hq/PromotionsScreen';
import { SecurityScreen } from './hq/SecurityScreen';
import { SegmentsScreen } from './hq/SegmentsScreen';
import { CampaignsScreen } from './hq/CampaignsScreen';
import { AnalyticsScreen } from './hq/AnalyticsScreen';
import { TwoFactorScreen } from './store/TwoFactorScreen';
import { StaffAdminScreen } from './store/StaffAdminScreen';
import { useMe } from './store/me';
import { LoginScreen } from './store/LoginScreen';
import { MemberScanScreen } from './store/MemberScanScreen';
import { ExitPassScreen } from './store/ExitPassScreen';
import { PickStoreScreen } from './store/PickStoreScreen';
import { ReservationsScreen } from './store/ReservationsScreen';
import { StockScreen } from './store/StockScreen';
import { StoreLayout } from './store/StoreLayout';
import { TransfersScreen } from './store/TransfersScreen';
import { TillScreen } from './store/TillScreen';
import { PickupsScreen } from './store/PickupsScreen';
import { PrepBoardScreen } from './store/PrepBoardScreen';
import { ReturnsScreen } from './store/ReturnsScreen';
import { TillSessionScreen } from './store/till-session/TillSessionScreen';
import { CampaignsScreen as StoreCampaignsScreen } from './store/CampaignsScreen';
import { AnalyticsScreen as StoreAnalyticsScreen } from './store/AnalyticsScreen';
import { BusinessScreen } from './hq/BusinessScreen';
import { AuditScreen } from './hq/audit/AuditScreen';
import { StoreSettingsHqScreen, StoresScreen } from './hq/StoresScreen';
import { StoreSettingsScreen } from './store/StoreSettingsScreen';
import { AppointmentsScreen } from './store/AppointmentsScreen';
import { AppointmentSettingsScreen } from './store/AppointmentSettingsScreen';
import { useSession, type Session } from './shared/staff-session';
import { useEffect, type ReactNode } from 'react';
import { Redirect, matchPath, navigate, withNext } from './shared/router';

const storeScreens = {
  till: TillScreen,
  stock: StockScreen,
  members: MemberScanScreen,
  'exit-pass': ExitPassScreen,
  transfers: TransfersScreen,
  reservations: ReservationsScreen,
  pickups: PickupsScreen,
  prep: PrepBoardScreen,
  returns: ReturnsScreen,
  'till-session': TillSessionScreen,
  campaigns: StoreCampaignsScreen,
  analytics: StoreAnalyticsScreen,
  settings: StoreSettingsScreen,
  appointments: AppointmentsScreen,
  'appointment-settings': AppointmentSettingsScreen,
} satisfies Record<string, (p: { session: Session; locationId: string }) => ReactNode>;

/** Store and HQ screens need a signed-in staff member; without one, the login screen (and back here after). */
function RequireStaff({ children }: { children: (session: Session) => ReactNode }) {
  const session = useSession();
  useEffect(() => {
    // Head office's pages go to its own door. The store list (or HQ's first page) is where login goes anyway,
    // so only a deeper page adds ?next=.
    if (!session) {
      const here = window.location.pathname;
      if (here.endsWith('/login')) return; // already there (an effect run again must not nest ?next=)
      const login = here === '/hq' || here.startsWith('/hq/') ? '/hq/login' : '/store/login';
      navigate(here === '/store' || here === '/hq' ? login : withNext(login), { replace: true });
    }
  }, [session]);
  return session ? <EnrolFirst session={session}>{children(session)}</EnrolFirst> : null;
}

/** Her role requires two-factor sign-in and she has not set it up: the server answers nothing else, so go there. */
function EnrolFirst({ session, children }: { session: Session; children: ReactNode }) {
  const me = useMe(session);
  const mustEnrol = !!me.data?.totp.enrolmentRequired && window.location.pathname !== '/store/security';
  useEffect(() => {
    if (mustEnrol) navigate('/store/security', { replace: true });
  }, [mustEnrol]);
  return mustEnrol ? null : children;
}

/**
 * The store's and head office's screens: loaded only when staff open /store or /hq, so the shop never
 * downloads them. `notFound`: what an address that is no staff screen shows.
 */
export default function StaffRoutes({ path, notFound }: { path: string; notFound: ReactNode }): ReactNode {
  let m: Record<string, string> | null;
  if (matchPath('/store/login', path)) return <LoginScreen />;
  if (matchPath('/hq/login', path)) return <LoginScreen home="/hq" />;
  if (matchPath('/store', path)) return <RequireStaff>{(s) => <PickStoreScreen session={s} />}</RequireStaff>;
  if (path === '/store/security') return <RequireStaff>{(s) => <TwoFactorScreen session={s} />}</RequireStaff>;
  // スタッフ管理 for a store manager (head office has it in its console, /hq/staff).
  if (path === '/store/staff') return <RequireStaff>{(s) => <StaffAdminScreen session={s} />}</RequireStaff>;
  if ((m = matchPath('/store/:locationId/:screen', path)) && m.screen! in storeScreens) {
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

  if (path === '/hq') return <Redirect to="/hq/customers" />;
  if (path.startsWith('/hq/')) {
    m = matchPath('/hq/customers/:id', path);
    const order = matchPath('/hq/orders/:id', path);
    const product = matchPath('/hq/products/:id', path);
    const screen =
      path === '/hq/analytics' ? (
        <AnalyticsScreen />
      ) : path === '/hq/analytics/rfm' ? (
        <RfmScreen />
      ) : path === '/hq/analytics/stockouts' ? (
        <StockoutsScreen />
      ) : path === '/hq/analytics/cohorts' ? (
        <CohortsScreen />
      ) : path === '/hq/analytics/ltv' ? (
        <LtvScreen />
      ) : path === '/hq/analytics/coupons' ? (
        <CouponEffectScreen />
      ) : path === '/hq/customers' ? (
        <CustomersScreen />
      ) : path === '/hq/customers/duplicates' ? (
        <DuplicatesScreen />
      ) : m ? (
        <CustomerProfileScreen key={m.id} id={m.id!} />
      ) : path === '/hq/products' ? (
        <ProductsScreen />
      ) : product ? (
        <ProductImagesScreen key={product.id} id={product.id!} />
      ) : path === '/hq/orders' ? (
        <OrdersScreen />
      ) : order ? (
        <OrderDetailScreen key={order.id} id={order.id!} />
      ) : path === '/hq/catalog' ? (
        <CatalogScreen />
      ) : path === '/hq/reviews' ? (
        <ReviewsScreen />
      ) : path === '/hq/promotions' ? (
        <PromotionsScreen />
      ) : path === '/hq/segments' ? (
        <SegmentsScreen />
      ) : path === '/hq/campaigns' ? (
        <CampaignsScreen />
      ) : path === '/hq/deliveries' ? (
        <DeliveriesScreen />
      ) : path === '/hq/webhooks' ? (
        <WebhooksScreen />
      ) : path === '/hq/imports' ? (
        <ImportsScreen />
      ) : path === '/hq/api-tokens' ? (
        <ApiTokensScreen />
      ) : path === '/hq/forecast' ? (
        <ForecastScreen />
      ) : path === '/hq/customer-value' ? (
        <CustomerValueScreen />
      ) : path === '/hq/stores' ? (
        <StoresScreen />
      ) : null;
    if (screen) return <RequireStaff>{(s) => <HqLayout session={s}>{screen}</HqLayout>}</RequireStaff>;
    const store = matchPath('/hq/stores/:id', path);
    if (store || path === '/hq/audit') {
      return (
        <RequireStaff>
          {(s) => (
            <HqLayout session={s}>
              {store ? (
                <StoreSettingsHqScreen key={store.id} session={s} id={store.id!} />
              ) : (
                <AuditScreen session={s} />
              )}
            </HqLayout>
          )}
        </RequireStaff>
      );
    }
    if (path === '/hq/business') {
      return (
        <RequireStaff>
          {(s) => (
            <HqLayout session={s}>
              <BusinessScreen session={s} />
            </HqLayout>
          )}
        </RequireStaff>
      );
    }
    if (path === '/hq/staff') {
      return (
        <RequireStaff>
          {(s) => (
            <HqLayout session={s}>
              <StaffAdminScreen session={s} />
            </HqLayout>
          )}
        </RequireStaff>
      );
    }
    if (path === '/hq/security') {
      return (
        <RequireStaff>
          {(s) => (
            <HqLayout session={s}>
              <SecurityScreen session={s} />
            </HqLayout>
          )}
        </RequireStaff>
      );
    }
  }

  return notFound;
}
