import { lazy, Suspense, useEffect, useRef, type ComponentType, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useCustomerSession } from './shared/customer/session';
import type { CustomerSession } from './shared/api/types';
import { useT } from './shared/i18n';
import { Link, Redirect, matchPath, navigate, useLocationPath, withNext } from './shared/router';
import { Header } from './shared/ui';
import { useReportPosition } from './shared/customer/report-position';
import { UpdateBanner, useAppManifest } from './shared/pwa';
import { useJoinGuestFavouritesAtLogin } from './shared/favourites';

/**
 * Every screen is a chunk of its own, fetched when first shown: the shop's first paint loads only the app's
 * frame (header, router, i18n) and its own screen.
 */
const screen = <M, K extends keyof M>(load: () => Promise<M>, name: K) =>
  // lazy() wants a component of any props; M[K] keeps the screen's own, so its props are still checked.
  lazy(async () => ({ default: (await load())[name] as M[K] & ComponentType<any> }));
const HomeScreen = screen(() => import('./shop/HomeScreen'), 'HomeScreen');
const ListingScreen = screen(() => import('./shop/ListingScreen'), 'ListingScreen');
const OrderLookupScreen = screen(() => import('./orders/OrderLookupScreen'), 'OrderLookupScreen');
const AccountHome = screen(() => import('./account/AccountHome'), 'AccountHome');
const ConsentsScreen = screen(() => import('./account/ConsentsScreen'), 'ConsentsScreen');
const CouponsScreen = screen(() => import('./account/CouponsScreen'), 'CouponsScreen');
const DevicesScreen = screen(() => import('./account/DevicesScreen'), 'DevicesScreen');
const FavouritesScreen = screen(() => import('./account/FavouritesScreen'), 'FavouritesScreen');
const AddressesScreen = screen(() => import('./account/AddressesScreen'), 'AddressesScreen');
const ReviewsScreen = screen(() => import('./account/ReviewsScreen'), 'default');
const AppointmentsScreen = screen(() => import('./account/AppointmentsScreen'), 'AppointmentsScreen');
const AppointmentBookingScreen = screen(() => import('./shop/AppointmentBookingScreen'), 'AppointmentBookingScreen');
const InboxScreen = screen(() => import('./account/InboxScreen'), 'InboxScreen');
const LineCallbackScreen = screen(() => import('./account/LineCallbackScreen'), 'LineCallbackScreen');
const CustomerLoginScreen = screen(() => import('./account/LoginScreen'), 'CustomerLoginScreen');
const MemberCardScreen = screen(() => import('./account/MemberCardScreen'), 'MemberCardScreen');
const PasswordResetScreen = screen(() => import('./account/PasswordResetScreen'), 'PasswordResetScreen');
const PinScreen = screen(() => import('./account/PinScreen'), 'PinScreen');
const PointsScreen = screen(() => import('./account/PointsScreen'), 'PointsScreen');
const WalletScreen = screen(() => import('./account/PointsScreen'), 'WalletScreen');
const AccountClosedScreen = screen(() => import('./account/PrivacyScreen'), 'AccountClosedScreen');
const PrivacyScreen = screen(() => import('./account/PrivacyScreen'), 'PrivacyScreen');
const SignUpScreen = screen(() => import('./account/SignUpScreen'), 'SignUpScreen');
const StoreListScreen = screen(() => import('./shop/stores/StoreListScreen'), 'StoreListScreen');
const StoreScreen = screen(() => import('./shop/stores/StoreScreen'), 'StoreScreen');
const ProductScreen = screen(() => import('./shop/ProductScreen'), 'ProductScreen');
const CartScreen = screen(() => import('./orders/CartScreen'), 'CartScreen');
const CheckoutScreen = screen(() => import('./orders/CheckoutScreen'), 'CheckoutScreen');
const MyOrdersScreen = screen(() => import('./orders/MyOrdersScreen'), 'MyOrdersScreen');
const OrderScreen = screen(() => import('./orders/OrderScreen'), 'OrderScreen');
const ScanAndGoScreen = screen(() => import('./shop/scan/ScanAndGoScreen'), 'ScanAndGoScreen');

/** The store's and head office's screens, a chunk of their own (the shop's JavaScript stays small). */
const StaffRoutes = lazy(() => import('./StaffRoutes'));

const accountScreens: Record<string, ComponentType<{ session: CustomerSession }>> = {
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
  '/account/favourites': FavouritesScreen,
  '/account/addresses': AddressesScreen,
  '/account/reviews': ReviewsScreen,
  '/account/inbox': InboxScreen,
  '/account/appointments': AppointmentsScreen,
  '/account/line': LineCallbackScreen,
};

/** マイページ needs the shopper signed in; without it, her login screen (and back here after). */
function RequireCustomer({ children }: { children: (session: CustomerSession) => ReactNode }) {
  const session = useCustomerSession();
  useEffect(() => {
    if (!session) navigate(withNext('/account/login'), { replace: true });
  }, [session]);
  return session ? children(session) : null;
}

function Loading() {
  const t = useT();
  return <p className="page muted">{t('common.loading')}</p>;
}

function Routes() {
  const t = useT();
  const notFound = (
    <main className="page narrow">
      <h1>{t('notFound.title')}</h1>
      <p>
        <Link href="/">{t('notFound.home')}</Link>
      </p>
    </main>
  );
  const { pathname } = useLocationPath();
  let m: Record<string, string> | null;
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;

  if (path === '/') return <HomeScreen />;
  if (matchPath('/shop', path)) return <ListingScreen />;
  if ((m = matchPath('/shop/products/:id', path))) return <ProductScreen key={m.id} id={m.id!} />;
  if (path === '/stores') return <StoreListScreen />;
  if ((m = matchPath('/stores/:id', path))) return <StoreScreen key={m.id} id={m.id!} />;
  if (path === '/shop/cart') return <CartScreen />;
  // 来店予約 at a store (the store page links here); booking itself asks a guest to sign in.
  if ((m = matchPath('/stores/:id/appointments', path)))
    return <AppointmentBookingScreen key={m.id} locationId={m.id!} />;
  if (path === '/shop/scan') return <RequireCustomer>{() => <ScanAndGoScreen />}</RequireCustomer>;
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

  if (path === '/store' || path.startsWith('/store/') || path === '/hq' || path.startsWith('/hq/'))
    return (
      <Suspense fallback={<p className="page muted">{t('common.loading')}</p>}>
        <StaffRoutes path={path} notFound={notFound} />
      </Suspense>
    );

  return notFound;
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
  useJoinGuestFavouritesAtLogin();
  useReportPosition();
  useAppManifest(useLocationPath().pathname);
  return (
    <>
      <Header />
      <Suspense fallback={<Loading />}>
        <Routes />
      </Suspense>
      <UpdateBanner />
    </>
  );
}
