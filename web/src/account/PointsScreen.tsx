import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { LoyaltyPanel, PointLots, PointsHistory, WalletHistory, WalletPanel } from '../shared/customer/Balances';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';
import { AccountPage } from './AccountPage';
import { WalletTopUp } from './WalletTopUp';

const PAGE = 20;

/** もっと見る under a ledger whose route pages with a cursor. */
function More({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
}) {
  const t = useT();
  if (!query.hasNextPage) return null;
  return (
    <div className="more">
      <Button onClick={() => void query.fetchNextPage()} busy={query.isFetchingNextPage}>
        {t('common.loadMore')}
      </Button>
    </div>
  );
}

/** /account/points — balance, tier, points about to lapse, and the ledger (newest first, paged). */
export function PointsScreen() {
  const t = useT();
  const loyalty = useInfiniteQuery({
    queryKey: ['account', 'loyalty', 'pages'],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/account/loyalty', { params: { query: { cursor: pageParam, limit: PAGE } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const first = loyalty.data?.pages[0];
  const history = loyalty.data?.pages.flatMap((p) => p.history) ?? [];
  return (
    <AccountPage title={t('account.points.title')}>
      <ProblemBanner error={loyalty.error} />
      {loyalty.isPending && <p className="muted">{t('common.loading')}</p>}
      {first && (
        <>
          {/* Every lot with its day replaces the 60-day まもなく失効 list here: one list, not two saying the same. */}
          <LoyaltyPanel loyalty={first} expiring={false} />
          <PointLots lots={first.lots} soon={first.expiringSoon} />
          <h2>{t('account.points.history')}</h2>
          <PointsHistory history={history} />
          <More query={loyalty} />
        </>
      )}
    </AccountPage>
  );
}

/** /account/wallet — balance, money about to lapse, and the ledger (newest first, paged). */
export function WalletScreen() {
  const t = useT();
  const wallet = useInfiniteQuery({
    queryKey: ['account', 'wallet', 'pages'],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/account/wallet', { params: { query: { cursor: pageParam, limit: PAGE } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const first = wallet.data?.pages[0];
  const history = wallet.data?.pages.flatMap((p) => p.history) ?? [];
  return (
    <AccountPage title={t('account.wallet.title')}>
      <ProblemBanner error={wallet.error} />
      {wallet.isPending && <p className="muted">{t('common.loading')}</p>}
      {first && (
        <>
          <WalletPanel wallet={first} />
          <WalletTopUp />
          <h2>{t('account.wallet.history')}</h2>
          <WalletHistory history={history} />
          <More query={wallet} />
        </>
      )}
    </AccountPage>
  );
}
