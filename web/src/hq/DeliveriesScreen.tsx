import { useState, type ReactNode } from 'react';
import { keepPreviousData, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Delivery } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { isMessageKey, useLang, useT, type Translate } from '../shared/i18n';
import { navigate, useLocationPath } from '../shared/router';
import { Button, DataTable, ProblemBanner, SelectField, SuccessBanner, type Column } from '../shared/ui';
import { oneOf } from '../shared/one-of';

const STATUSES = ['dead', 'pending', 'sent'] as const;
type Status = (typeof STATUSES)[number];
/** `event`: upward news inside Musubi (order.placed → inbox, e-mail, webhooks, her timeline), sent through the same outbox. */
const CHANNELS = ['email', 'line', 'webhook', 'sms', 'push', 'event'] as const;

const channelName = (t: Translate, channel: string) => {
  const key = `hq.deliveries.channel.${channel}`;
  return isMessageKey(key) ? t(key) : channel;
};

/** 注文確認 for an e-mail or LINE template; `order.ready（注文: 受け取り準備完了）` for a webhook or internal event. */
export function deliveryWhat(t: Translate, d: Pick<Delivery, 'channel' | 'template'>): string {
  if (d.channel === 'webhook' || d.channel === 'event') {
    const key = `hq.deliveries.event.${d.template}`;
    return t('hq.deliveries.event', {
      event: d.template,
      what: t(isMessageKey(key) ? key : 'hq.deliveries.event.other'),
    });
  }
  const key = `hq.deliveries.template.${d.template}`;
  return t(isMessageKey(key) ? key : 'hq.deliveries.template.other');
}

/**
 * What went wrong, in the screen's language. The server records the partner's own words (`HTTP 500`,
 * `SMTP: …`, `fetch failed: …`), so the kinds it writes are recognised here; the raw text stays one click away.
 */
export function deliveryError(t: Translate, d: Pick<Delivery, 'lastError' | 'lastStatus'>): string | null {
  const raw = d.lastError;
  if (!raw) return null;
  const status = d.lastStatus ?? Number(/\bHTTP (\d{3})\b/.exec(raw)?.[1] ?? 0);
  if (raw.startsWith('endpoint removed')) return t('hq.deliveries.error.endpoint');
  // The webhook's host resolved to an address webhooks may not reach (server: platform/egress.ts).
  const refused = /^refused: \S+ is (\S+),/.exec(raw);
  if (refused) return t('hq.deliveries.error.refused', { address: refused[1]! });
  if (raw.startsWith('no e-mail template')) return t('hq.deliveries.error.noTemplate');
  if (raw.startsWith('LINE push answered')) return t('hq.deliveries.error.line', { status });
  if (raw.startsWith('SMTP:') && status) return t('hq.deliveries.error.smtpCode', { status });
  if (/^HTTP \d{3}$/.test(raw) && status) return t('hq.deliveries.error.http', { status });
  if (/no answer within|timeout|timed out|aborted/i.test(raw)) return t('hq.deliveries.error.timeout');
  if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|socket|connect/i.test(raw))
    return t('hq.deliveries.error.connect');
  if (raw.startsWith('SMTP:')) return t('hq.deliveries.error.smtp');
  return t('hq.deliveries.error.other');
}

/** A cell with its column's name in front of it, shown only when the table stacks on a phone. */
function Labelled({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <span className="cell-label">{label}</span>
      <span className="cell-value">{children}</span>
    </>
  );
}

/**
 * /hq/deliveries — every outgoing message (e-mail, LINE, webhooks): the dead letters HQ sends again after
 * fixing the cause, what waits for its next attempt, and what went out. Status and channel live in the URL.
 */
export function DeliveriesScreen() {
  const t = useT();
  const queryClient = useQueryClient();
  const { search } = useLocationPath();
  const status: Status = oneOf(STATUSES, search.get('status')) ?? 'dead';
  const channel = oneOf(CHANNELS, search.get('channel'));
  /** How many dead letters the confirmation is about, while it is open. */
  const [confirmAll, setConfirmAll] = useState<number | null>(null);
  const [refreshing, setRefreshing] = useState(false);

  const deliveries = useInfiniteQuery({
    queryKey: ['hq', 'deliveries', status, channel ?? ''],
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/deliveries', {
          params: {
            query: { status, ...(channel ? { channel } : {}), limit: 50, ...(pageParam ? { before: pageParam } : {}) },
          },
        }),
      ),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    placeholderData: keepPreviousData,
    refetchOnMount: 'always',
    // Waiting messages move by themselves (sent, rescheduled, given up): keep the picture current.
    refetchInterval: 15_000,
  });
  const rows = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  const latest = deliveries.data?.pages[0];
  const counts = channel
    ? (latest?.byChannel.find((c) => c.channel === channel) ?? { pending: 0, dead: 0 })
    : latest?.counts;

  const retry = useMutation({
    // One row by id, or every dead letter (of the channel shown) on the server, not only the rows loaded.
    mutationFn: async (which: number[] | 'allDead') =>
      (
        await call(
          api.POST('/api/deliveries/retry', {
            body: which === 'allDead' ? { allDead: true, ...(channel ? { channel } : {}) } : { ids: which },
          }),
        )
      ).retried,
    onSettled: () => {
      setConfirmAll(null);
      void queryClient.invalidateQueries({ queryKey: ['hq', 'deliveries'] });
    },
  });

  const show = (next: { status?: Status; channel?: string }) => {
    const params = new URLSearchParams();
    const s = next.status ?? status;
    const c = 'channel' in next ? next.channel : channel;
    if (s !== 'dead') params.set('status', s);
    if (c) params.set('channel', c);
    const qs = params.toString();
    retry.reset();
    setConfirmAll(null);
    navigate(qs ? `/hq/deliveries?${qs}` : '/hq/deliveries');
  };

  const deadCount = counts?.dead ?? 0;

  return (
    <main className="page store hq-deliveries">
      <h1>{t('hq.deliveries.title')}</h1>
      <p className="muted small">{t('hq.deliveries.intro')}</p>
      <div className="segmented delivery-status" role="group" aria-label={t('hq.deliveries.statusLabel')}>
        {STATUSES.map((s) => {
          const n = s === 'sent' ? undefined : counts?.[s];
          return (
            <button
              key={s}
              type="button"
              aria-pressed={status === s}
              onClick={() => show({ status: s })}
              data-status={s}
            >
              {t(`hq.deliveries.status.${s}`)}
              {n !== undefined && (
                <span
                  className={`seg-count${s === 'dead' && n > 0 ? ' seg-count-alert' : ''}`}
                  data-testid={`count-${s}`}
                >
                  {n}
                </span>
              )}
            </button>
          );
        })}
      </div>
      <div className="hq-filter-row delivery-filters">
        <SelectField
          label={t('hq.deliveries.channel')}
          value={channel ?? ''}
          onChange={(e) => show({ channel: e.target.value })}
        >
          <option value="">{t('hq.deliveries.anyChannel')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {channelName(t, c)}
            </option>
          ))}
        </SelectField>
        <div className="row-actions">
          <Button
            variant="ghost"
            onClick={() => {
              setRefreshing(true);
              void deliveries.refetch().finally(() => setRefreshing(false));
            }}
            busy={refreshing}
          >
            {t('hq.deliveries.refresh')}
          </Button>
          {status === 'dead' && deadCount > 0 && confirmAll === null && (
            <Button variant="primary" onClick={() => setConfirmAll(deadCount)} data-testid="retry-all">
              {t('hq.deliveries.retryAll', { n: deadCount })}
            </Button>
          )}
        </div>
      </div>
      {confirmAll !== null && (
        <div
          className="banner banner-info confirm-retry"
          role="alertdialog"
          aria-label={t('hq.deliveries.retryAllConfirm', { n: confirmAll })}
        >
          <p>
            {t('hq.deliveries.retryAllQuestion', {
              n: confirmAll,
              channel: channel ? t('hq.deliveries.ofChannel', { channel: channelName(t, channel) }) : '',
            })}
          </p>
          <p className="row-actions">
            <Button variant="ghost" onClick={() => setConfirmAll(null)}>
              {t('hq.deliveries.cancel')}
            </Button>
            <Button variant="primary" onClick={() => retry.mutate('allDead')} busy={retry.isPending}>
              {t('hq.deliveries.retryAllConfirm', { n: confirmAll })}
            </Button>
          </p>
        </div>
      )}
      {retry.isSuccess && (
        <SuccessBanner>
          <span data-testid="retry-result">{t('hq.deliveries.retried', { n: retry.data.length })}</span>
        </SuccessBanner>
      )}
      <ProblemBanner error={deliveries.error ?? retry.error} />
      {rows.length > 0 && <p className="result-note">{t('hq.deliveries.count', { n: rows.length })}</p>}
      <DeliveryTable
        status={status}
        rows={rows}
        empty={deliveries.isPending ? t('common.loading') : t(`hq.deliveries.none.${status}`)}
        onRetry={(id) => retry.mutate([id])}
        retrying={
          retry.isPending ? (retry.variables === 'allDead' ? rows.map((d) => d.id) : (retry.variables ?? [])) : []
        }
      />
      {deliveries.hasNextPage && (
        <p className="load-more">
          <Button onClick={() => deliveries.fetchNextPage()} busy={deliveries.isFetchingNextPage}>
            {t('hq.deliveries.more')}
          </Button>
        </p>
      )}
    </main>
  );
}

function DeliveryTable({
  status,
  rows,
  empty,
  onRetry,
  retrying,
}: {
  status: Status;
  rows: Delivery[];
  empty: string;
  onRetry: (id: number) => void;
  retrying: number[];
}) {
  const t = useT();
  const lang = useLang();
  const columns: Array<Column<Delivery> & { only?: Status[] }> = [
    {
      key: 'at',
      header: t('hq.deliveries.col.at'),
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.at')}>
          <span className="nowrap">{formatDateTime(d.createdAt, lang)}</span>
          {d.deadAt && (
            <span className="muted small block nowrap">
              {t('hq.deliveries.deadAt', { at: formatDateTime(d.deadAt, lang) })}
            </span>
          )}
        </Labelled>
      ),
    },
    {
      key: 'channel',
      header: t('hq.deliveries.col.channel'),
      cell: (d) => <Labelled label={t('hq.deliveries.col.channel')}>{channelName(t, d.channel)}</Labelled>,
    },
    {
      key: 'recipient',
      header: t('hq.deliveries.col.recipient'),
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.recipient')}>
          {d.customer && (
            <span className="block">
              {t('hq.deliveries.member', {
                name: d.customer.name ?? t('hq.deliveries.noName'),
                number: d.customer.memberNumber,
              })}
            </span>
          )}
          {/* A LINE user id means nothing to a person: the member's name and number stand for it. */}
          {!(d.channel === 'line' && d.customer) && <span className="recipient">{d.recipientLabel}</span>}
        </Labelled>
      ),
    },
    {
      key: 'what',
      header: t('hq.deliveries.col.what'),
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.what')}>
          <span className="what">{deliveryWhat(t, d)}</span>
        </Labelled>
      ),
    },
    {
      key: 'attempts',
      header: t('hq.deliveries.col.attempts'),
      align: 'end',
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.attempts')}>
          <span data-testid="attempts">{t('hq.deliveries.attempts', { n: d.attempts })}</span>
        </Labelled>
      ),
    },
    {
      key: 'error',
      header: t('hq.deliveries.col.error'),
      only: ['dead', 'pending'],
      cell: (d) => {
        const said = deliveryError(t, d);
        return (
          <Labelled label={t('hq.deliveries.col.error')}>
            {said ? (
              <span className="delivery-error" data-testid="error">
                {said}
                <details className="delivery-raw">
                  <summary>{t('hq.deliveries.detail')}</summary>
                  <code>{d.lastError}</code>
                </details>
              </span>
            ) : d.attempts === 0 ? (
              <span className="muted">{t('hq.deliveries.notYet')}</span>
            ) : (
              '—'
            )}
          </Labelled>
        );
      },
    },
    {
      key: 'next',
      header: t('hq.deliveries.col.next'),
      only: ['pending'],
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.next')}>
          <span className="nowrap" data-testid="next">
            {d.nextAttemptAt && new Date(d.nextAttemptAt).getTime() > Date.now()
              ? formatDateTime(d.nextAttemptAt, lang)
              : t('hq.deliveries.nextNow')}
          </span>
        </Labelled>
      ),
    },
    {
      key: 'sentAt',
      header: t('hq.deliveries.col.sentAt'),
      only: ['sent'],
      cell: (d) => (
        <Labelled label={t('hq.deliveries.col.sentAt')}>
          <span className="nowrap">{d.sentAt ? formatDateTime(d.sentAt, lang) : '—'}</span>
        </Labelled>
      ),
    },
    {
      key: 'action',
      header: <span className="visually-hidden">{t('hq.deliveries.col.action')}</span>,
      only: ['dead', 'pending'],
      align: 'end',
      cell: (d) =>
        // A waiting message that already failed once can be pushed ahead of its backoff (the partner is fixed).
        d.status === 'dead' || d.lastError ? (
          <Button
            variant={d.status === 'dead' ? 'primary' : 'secondary'}
            onClick={() => onRetry(d.id)}
            busy={retrying.includes(d.id)}
            disabled={retrying.length > 0}
            data-testid="retry"
          >
            {t(d.status === 'dead' ? 'hq.deliveries.retry' : 'hq.deliveries.retryNow')}
          </Button>
        ) : null,
    },
  ];
  return (
    <div className="delivery-table">
      <DataTable<Delivery>
        columns={columns.filter((c) => !c.only || c.only.includes(status))}
        rows={rows}
        rowKey={(d) => String(d.id)}
        rowProps={(d) => ({ 'data-delivery': String(d.id), 'data-channel': d.channel, 'data-template': d.template })}
        empty={empty}
      />
    </div>
  );
}
