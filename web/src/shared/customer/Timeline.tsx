import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Timeline as Page, TimelineItem } from '../api/types';
import { describeOptions, formatAmount, formatDateTime, formatPoints } from '../format';
import { isMessageKey, useLang, useT, type Translate } from '../i18n';
import { Button, ChannelIcon, ProblemBanner } from '../ui';

const PAGE = 30;

/** A line of text for an event: its kind in words, and the one detail that matters for it. */
function describe(item: TimelineItem, t: Translate, lang: 'ja' | 'en'): { title: string; detail: string | null } {
  const key = `event.${item.type}`;
  // A type this screen does not know yet still reads as words, never as its code.
  const title = isMessageKey(key) ? t(key) : t('event.other');
  const p = item.payload;
  const text = (k: string) => {
    const v = p[k];
    return typeof v === 'string' && v ? v : null;
  };
  const num = (k: string) => {
    const v = p[k];
    return typeof v === 'number' ? v : null;
  };
  let detail: string | null = null;
  const tierWord = (tier: string) => {
    const k = `tier.${tier}`;
    return isMessageKey(k) ? t(k) : tier;
  };
  if (item.type === 'searched') detail = text('q') && `「${text('q')}」`;
  else if (item.type === 'tier_changed') detail = `${tierWord(text('from') ?? '')} → ${tierWord(text('to') ?? '')}`;
  else if (num('points') !== null) detail = formatPoints(num('points')!, lang);
  else if (num('amount') !== null) detail = formatAmount(num('amount')!);
  else if (num('total') !== null) detail = [text('number'), formatAmount(num('total')!)].filter(Boolean).join(' ');
  else if (text('number')) detail = text('number');
  else detail = text('productName') ?? text('name') ?? text('reason');
  return { title, detail };
}

/**
 * Events name a product by id; the name comes from the catalogue (the same cached query the product page
 * uses), so a timeline of thirty views costs at most one request per distinct product.
 */
function ProductName({ id, variantId }: { id: string; variantId: string | null }) {
  const product = useQuery({
    queryKey: ['product', id],
    queryFn: () => call(api.GET('/api/products/{id}', { params: { path: { id } } })),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const variant = variantId ? product.data?.variants.find((v) => v.id === variantId) : undefined;
  const options = variant ? describeOptions(variant.options) : '';
  return <span>{product.data ? `${product.data.name}${options ? ` · ${options}` : ''}` : id}</span>;
}

/**
 * The unified timeline: everything one person did, online and in store, newest first, with the channel
 * as an icon; もっと見る follows the cursor. `fetchPage` is the account's or a customer's timeline route.
 */
export function Timeline({
  queryKey,
  fetchPage,
}: {
  queryKey: readonly unknown[];
  fetchPage: (cursor: string | undefined, limit: number) => Promise<Page>;
}) {
  const t = useT();
  const lang = useLang();
  const pages = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam, PAGE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <div className="timeline-wrap">
      <ProblemBanner error={pages.error} />
      {pages.isPending && <p className="muted">{t('common.loading')}</p>}
      {pages.isSuccess && !items.length && <p className="muted">{t('hq.profile.timelineEmpty')}</p>}
      <ol className="timeline">
        {items.map((item) => {
          const { title, detail } = describe(item, t, lang);
          return (
            <li key={item.id} className="timeline-item" data-type={item.type} data-channel={item.channel}>
              <ChannelIcon channel={item.channel} />
              <div className="timeline-body">
                <p>
                  <strong>{title}</strong>
                  {detail && <span> {detail}</span>}
                  {!detail && typeof item.payload.productId === 'string' && (
                    <>
                      {' '}
                      <ProductName
                        id={item.payload.productId}
                        variantId={typeof item.payload.variantId === 'string' ? item.payload.variantId : null}
                      />
                    </>
                  )}
                </p>
                <p className="muted small">
                  <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt, lang)}</time>
                  {' · '}
                  {t(`channel.${item.channel}`)}
                  {item.locationName && ` · ${item.locationName}`}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
      {pages.hasNextPage && (
        <div className="more">
          <Button onClick={() => void pages.fetchNextPage()} busy={pages.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </div>
  );
}
