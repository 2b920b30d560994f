import { OrderLookupScreen } from './orders/OrderLookupScreen';
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { AccountHome } from './account/AccountHome';
import { ConsentsScreen } from './account/ConsentsScreen';
import { CouponsScreen } from './account/CouponsScreen';
import { DevicesScreen } from './account/DevicesScreen';
import { FavouritesScreen } from './account/FavouritesScreen';
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
import type { CustomerSession } from './shared/api/types';
import { useT } from './shared/i18n';
import { Link, Redirect, matchPath, navigate, useLocationPath, withNext } from './shared/router';
import { Header } from './shared/ui';
import { useReportPosition } from './shared/customer/report-position';
import { ProductScreen } from './shop/ProductScreen';
import { SearchScreen } from './shop/SearchScreen';
import { CartScreen } from './orders/CartScreen';
import { CheckoutScreen } from './orders/CheckoutScreen';
import { MyOrdersScreen, OrderScreen } from './orders/OrderScreen';
import { UpdateBanner, useAppManifest } from './shared/pwa';
import { useJoinGuestFavouritesAtLogin } from './shared/favourites';

/** マイページ レビュー: a chunk of its own, like the staff screens. */
const LazyReviewsScreen = lazy(() => import('./account/ReviewsScreen'));
function ReviewsScreen() {
  return (
    <Suspense fallback={null}>
      <LazyReviewsScreen />
    </Suspense>
  );
}

/** The store's and head office's screens, a chunk of their own (the shop's JavaScript stays small). */
const StaffRoutes = lazy(() => import('./StaffRoutes'));

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
  '/account/favourites': FavouritesScreen,
  '/account/reviews': ReviewsScreen,
  '/account/inbox': InboxScreen,
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
      <Routes />
      <UpdateBanner />
    </>
  );
}
