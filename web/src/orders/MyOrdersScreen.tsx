import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Order } from '../shared/api/types';
import { describeOptions, formatDate, formatTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { useLocations } from '../shared/locations';
import { Link } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { plainYen } from '../shared/ui/Totals';
import { orderKindKey, orderStoreId, returnState, statusKey } from './order-status';

const PAGE = 20;

/** 「リネンシャツ（ネイビー / M） ほか 2 点」: the first item and how many more. */
function itemsText(order: Order, t: ReturnType<typeof useT>): string {
  const [first, ...rest] = order.lines;
  if (!first) return '';
  const options = describeOptions(first.options);
  const name = options ? `${first.name}（${options}）` : first.name;
  const more = rest.reduce((n, l) => n + l.quantity, first.quantity - 1);
  return more > 0 ? t('myOrders.items', { first: name, n: more }) : name;
}

/**
 * /account/orders — 注文履歴: every order of hers, web, app, the till (with her member code), holds and pickups,
 * newest first, 20 at a time; each says how and where she bought, when (Asia/Tokyo), what, the total and where
 * it stands, and opens with its e-receipt.
 */
export function MyOrdersScreen() {
  const t = useT();
  const lang = useLang();
  const stores = useLocations();
  const orders = useInfiniteQuery({
    queryKey: ['account', 'orders'],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/account/orders', { params: { query: { cursor: pageParam, limit: PAGE } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <main className="page narrow account">
      <Link href="/account" className="back">
        ← {t('account.back')}
      </Link>
      <h1>{t('order.mine')}</h1>
      <p className="muted small">{t('myOrders.lead')}</p>
      <p>
        <Link href="/account/reviews">{t('reviews.orders.link')}</Link>
      </p>
      <ProblemBanner error={orders.error} />
      {orders.isPending && <p className="muted">{t('common.loading')}</p>}
      {orders.data && items.length === 0 && <p className="muted">{t('order.none')}</p>}
      <ul className="menu-list my-orders" data-testid="my-orders">
        {items.map((o) => {
          const status = statusKey(o, o.fulfilments[0]);
          const storeId = orderStoreId(o);
          const store = storeId ? stores.data?.find((l) => l.id === storeId)?.name : null;
          return (
            <li key={o.id} data-testid="my-order" data-order={o.id} data-number={o.number} data-channel={o.channel}>
              <Link href={`/account/orders/${encodeURIComponent(o.id)}`} className="menu-item my-order">
                <span className="my-order-head">
                  <span className="channel-tag">{t(orderKindKey(o))}</span>
                  {store && <span className="muted small">{store}</span>}
                </span>
                <span className="my-order-items">{itemsText(o, t)}</span>
                <span className="my-order-foot">
                  <span className="muted small">
                    {formatDate(o.createdAt, lang)} {formatTime(o.createdAt)} · {o.number}
                  </span>
                  <span className="my-order-total">{plainYen(o.total)}</span>
                </span>
                {status && (
                  <span
                    className={`status small status-${returnState(o) === 'none' ? (o.fulfilments[0]?.status ?? o.status) : 'cancelled'}`}
                    data-testid="my-order-status"
                  >
                    {t(status)}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
      {orders.hasNextPage && (
        <div className="more">
          <Button onClick={() => void orders.fetchNextPage()} busy={orders.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </main>
  );
}
