import { Fragment } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { formatDateTime } from '../shared/format';
import { isMessageKey, useLang, useT, type Lang, type Translate } from '../shared/i18n';
import { navigate } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { INBOX_KEY } from '../shared/customer/unread';
import { AccountPage } from './AccountPage';

type Notice =
  paths['/api/account/notifications']['get']['responses'][200]['content']['application/json']['items'][number];

/** The order a notice is about, when it is about one (every order notice carries its id and number). */
const orderOf = (n: Notice) => (typeof n.payload.orderId === 'string' ? n.payload.orderId : null);

/** Where tapping a notice goes: her order, or the page on this site a campaign's message links to. */
function targetOf(n: Notice): string | null {
  const order = orderOf(n);
  if (order) return `/account/orders/${encodeURIComponent(order)}`;
  const link = n.payload.link;
  return typeof link === 'string' && /^\/(?![/\\])/.test(link) ? link : null;
}

/**
 * The words of a notice. Japanese is what the server wrote (with its deadline or pickup code); English is
 * the catalogue's line for its kind, with the order number.
 */
function wordsOf(n: Notice, lang: Lang, t: Translate): { title: string; body: string } {
  const title = `inbox.kind.${n.kind}.title`;
  const body = `inbox.kind.${n.kind}.body`;
  if (lang === 'ja' || !isMessageKey(title) || !isMessageKey(body)) return { title: n.title, body: n.body };
  return { title: t(title), body: t(body, { number: String(n.payload.number ?? '') }) };
}

/** The body with its order number kept on one line (「W-001001」 must not break at the hyphen). */
function Body({ text, number }: { text: string; number: unknown }) {
  if (typeof number !== 'string' || !number || !text.includes(number)) return <>{text}</>;
  const parts = text.split(number);
  return (
    <>
      {parts.map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <span className="nowrap">{number}</span>}
          {part}
        </Fragment>
      ))}
    </>
  );
}

/** /account/inbox — お知らせ: her notices newest first; tapping one reads it and opens its order. */
export function InboxScreen() {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const inbox = useInfiniteQuery({
    queryKey: [...INBOX_KEY, 'list'],
    queryFn: ({ pageParam }) =>
      call(api.GET('/api/account/notifications', { params: { query: pageParam ? { before: pageParam } : {} } })),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextBefore,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: INBOX_KEY });
  const read = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/account/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const readAll = useMutation({
    mutationFn: () => call(api.POST('/api/account/notifications/read-all')),
    onSuccess: refresh,
  });

  const notices = inbox.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = inbox.data?.pages[0]?.unread ?? 0;
  const open = async (n: Notice) => {
    const target = targetOf(n);
    if (!n.readAt) {
      try {
        await read.mutateAsync(n.id);
      } catch {
        if (!target) return; // the banner says why; where it links still opens
      }
    }
    if (target) navigate(target);
  };

  return (
    <AccountPage title={t('inbox.title')}>
      <ProblemBanner error={inbox.error ?? read.error ?? readAll.error} />
      {unread > 0 && (
        <div className="inbox-actions">
          <span className="inbox-count">{t('inbox.unreadLabel', { n: unread })}</span>
          <Button onClick={() => readAll.mutate()} busy={readAll.isPending}>
            {t('inbox.readAll')}
          </Button>
        </div>
      )}
      {inbox.data && notices.length === 0 && <p className="empty-hint">{t('inbox.empty')}</p>}
      {notices.length > 0 && (
        <ul className="menu-list inbox-list" data-testid="inbox-list">
          {notices.map((n) => {
            const { title, body } = wordsOf(n, lang, t);
            return (
              <li key={n.id}>
                <button
                  type="button"
                  className={`menu-item inbox-item${n.readAt ? '' : ' is-unread'}${targetOf(n) ? '' : ' no-target'}`}
                  onClick={() => void open(n)}
                  data-testid="inbox-item"
                  data-unread={!n.readAt || undefined}
                >
                  <span className="menu-title">
                    {!n.readAt && <span className="visually-hidden">{t('inbox.unread')}: </span>}
                    {title}
                  </span>
                  <span className="inbox-body">
                    <Body text={body} number={n.payload.number} />
                  </span>
                  <time className="muted small" dateTime={n.createdAt}>
                    {formatDateTime(n.createdAt, lang)}
                  </time>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {inbox.hasNextPage && (
        <div className="more">
          <Button onClick={() => void inbox.fetchNextPage()} busy={inbox.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </AccountPage>
  );
}
