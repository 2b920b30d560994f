import { OrderLookupScreen } from './orders/OrderLookupScreen';
import { useEffect, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { AccountHome } from './account/AccountHome';
import { ConsentsScreen } from './account/ConsentsScreen';
import { CouponsScreen } from './account/CouponsScreen';
import { DevicesScreen } from './account/DevicesScreen';
import { InboxScreen } from './account/InboxScreen';
import { LineCallbackScreen } from './account/LineCallbackScreen';
import { CustomerLoginScreen } from './account/LoginScreen';
import { MemberCardScreen } from './account/MemberCardScreen';
import { PasswordResetScreen } from './account/PasswordResetScreen';
import { PinScreen } from './account/PinScreen';
import { PointsScreen, WalletScreen } from './account/PointsScreen';
import { AccountClosedScreen, PrivacyScreen } from './account/PrivacyScreen';
import { useCustomerSession } from './shared/customer/session';
import { SignUpScreen } from './account/SignUpScreen';
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
import { OrdersScreen } from './hq/OrdersScreen';
import { OrderDetailScreen } from './hq/OrderDetailScreen';
import { PromotionsScreen } from './hq/PromotionsScreen';
import { SecurityScreen } from './hq/SecurityScreen';
import { SegmentsScreen } from './hq/SegmentsScreen';
import { CampaignsScreen } from './hq/CampaignsScreen';
import { AnalyticsScreen } from './hq/AnalyticsScreen';
import type { CustomerSession } from './shared/api/types';
import { useT } from './shared/i18n';
import { TwoFactorScreen } from './store/TwoFactorScreen';
import { StaffAdminScreen } from './store/StaffAdminScreen';
import { useMe } from './store/me';
import { Link, Redirect, matchPath, navigate, useLocationPath, withNext } from './shared/router';
import { Header } from './shared/ui';
import { useReportPosition } from './shared/customer/report-position';
import { ProductScreen } from './shop/ProductScreen';
import { SearchScreen } from './shop/SearchScreen';
import { LoginScreen } from './store/LoginScreen';
import { MemberScanScreen } from './store/MemberScanScreen';
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
import { CartScreen } from './orders/CartScreen';
import { CheckoutScreen } from './orders/CheckoutScreen';
import { MyOrdersScreen, OrderScreen } from './orders/OrderScreen';
import { UpdateBanner } from './shared/pwa';
import { BusinessScreen } from './hq/BusinessScreen';
import { AuditScreen } from './hq/audit/AuditScreen';
import { StoreSettingsHqScreen, StoresScreen } from './hq/StoresScreen';
import { StoreSettingsScreen } from './store/StoreSettingsScreen';
import { useSession, type Session } from './shared/staff-session';

const storeScreens = {
  till: TillScreen,
  stock: StockScreen,
  members: MemberScanScreen,
  transfers: TransfersScreen,
  reservations: ReservationsScreen,
  pickups: PickupsScreen,
  prep: PrepBoardScreen,
  returns: ReturnsScreen,
  'till-session': TillSessionScreen,
  campaigns: StoreCampaignsScreen,
  analytics: StoreAnalyticsScreen,
  settings: StoreSettingsScreen,
} satisfies Record<string, (p: { session: Session; locationId: string }) => ReactNode>;

const accountScreens: Record<string, (p: { session: CustomerSession }) => ReactNode> = {
  '/account': AccountHome,
  '/account/card': MemberCardScreen,
  '/account/coupons': CouponsScreen,
  '/account/points': PointsScreen,
  '/account/wallet': WalletScreen,
  '/account/pin': PinScreen,
  '/account/consents': ConsentsScreen,
  '/account/devices': DevicesScreen,
  '/account/privacy': PrivacyScreen,
  '/account/orders': MyOrdersScreen,
  '/account/inbox': InboxScreen,
  '/account/line': LineCallbackScreen,
};

/** Store and HQ screens need a signed-in staff member; without one, the login screen (and back here after). */
function RequireStaff({ children }: { children: (session: Session) => ReactNode }) {
  const session = useSession();
  useEffect(() => {
    // The store list is where login goes anyway, so only a deeper page adds ?next=.
    if (!session)
      navigate(window.location.pathname === '/store' ? '/store/login' : withNext('/store/login'), { replace: true });
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

/** マイページ needs the shopper signed in; without it, her login screen (and back here after). */
function RequireCustomer({ children }: { children: (session: CustomerSession) => ReactNode }) {
  const session = useCustomerSession();
  useEffect(() => {
    if (!session) navigate(withNext('/account/login'), { replace: true });
  }, [session]);
  return session ? children(session) : null;
}

function Routes() {
  const t = useT();
  const { pathname } = useLocationPath();
  let m: Record<string, string> | null;
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;

  if (path === '/' || matchPath('/shop', path)) return <SearchScreen />;
  if ((m = matchPath('/shop/products/:id', path))) return <ProductScreen key={m.id} id={m.id!} />;
  if (path === '/shop/cart') return <CartScreen />;
  if (path === '/shop/checkout') return <CheckoutScreen />;
  if (path === '/shop/orders/lookup') return <OrderLookupScreen />;
  if ((m = matchPath('/shop/orders/:id', path))) return <OrderScreen key={m.id} id={m.id!} />;
  if ((m = matchPath('/account/orders/:id', path))) {
    const id = m.id!;
    return <RequireCustomer>{() => <OrderScreen key={id} id={id} />}</RequireCustomer>;
  }

  if (path === '/account/signup') return <SignUpScreen />;
  if (path === '/account/login') return <CustomerLoginScreen />;
  if (path === '/account/reset') return <PasswordResetScreen />;
  if (path === '/account/closed') return <AccountClosedScreen />;
  const AccountScreen = accountScreens[path];
  if (AccountScreen) return <RequireCustomer>{(s) => <AccountScreen session={s} />}</RequireCustomer>;

  if (matchPath('/store/login', path)) return <LoginScreen />;
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
      ) : path === '/hq/orders' ? (
        <OrdersScreen />
      ) : order ? (
        <OrderDetailScreen key={order.id} id={order.id!} />
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

  return (
    <main className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </main>
  );
}

/**
 * マイページ data is cached under ['account', …]. When the signed-in shopper changes (sign-out, an expired
 * token, someone else signing in on a shared tablet) it is dropped, so nobody sees the last person's data.
 */
function useForgetPreviousShopper() {
  const queryClient = useQueryClient();
  const id = useCustomerSession()?.customer.id ?? null;
  const previous = useRef(id);
  useEffect(() => {
    if (previous.current !== id) queryClient.removeQueries({ queryKey: ['account'] });
    previous.current = id;
  }, [id, queryClient]);
}

export function App() {
  useForgetPreviousShopper();
  useReportPosition();
  return (
    <>
      <Header />
      <Routes />
      <UpdateBanner />
    </>
  );
}
