import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { WebhookEndpoint as Endpoint } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SuccessBanner, TextField, type Column } from '../shared/ui';
import { deliveryError, deliveryWhat } from './DeliveriesScreen';
import { patternLabel, WebhookEventPicker, type EventPattern } from './WebhookEventPicker';

type RecentDelivery = Endpoint['recentDeliveries'][number];

/** `whd_42` → 42, the outbox id `POST /api/deliveries/retry` takes. */
const outboxId = (deliveryId: string) => Number(deliveryId.replace(/^whd_/, ''));

/**
 * /hq/webhooks — the integrations that hear of every change (stock, products, prices, customers, orders, returns,
 * refunds, points): each endpoint with how it is signed and its last 10
 * deliveries (status, the partner's answer); head office sends one again, rolls the signing secret (shown
 * once), registers a new endpoint. The secret is never shown again after the answer that made it.
 */
export function WebhooksScreen() {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const endpoints = useQuery({
    queryKey: ['hq', 'webhooks'],
    queryFn: () => call(api.GET('/api/webhooks')),
    refetchInterval: 15_000,
  });
  /** The secret just made (registration or roll), shown once with the endpoint it belongs to. */
  const [shown, setShown] = useState<{ url: string; secret: string } | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<EventPattern[]>(['order.*']);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['hq', 'webhooks'] });

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/webhooks', {
          body: {
            url: url.trim(),
            events,
          },
        }),
      ),
    onSuccess: (made) => {
      setShown({ url: made.url, secret: made.secret });
      setUrl('');
      refresh();
    },
  });
  const roll = useMutation({
    mutationFn: (e: Endpoint) =>
      call(api.POST('/api/webhooks/{id}/roll-secret', { params: { path: { id: e.id } }, body: {} })),
    onSuccess: (rolled) => {
      setShown({ url: rolled.url, secret: rolled.secret });
      refresh();
    },
  });
  const retry = useMutation({
    mutationFn: (d: RecentDelivery) => call(api.POST('/api/deliveries/retry', { body: { ids: [outboxId(d.id)] } })),
    onSettled: refresh,
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(null);
    create.mutate();
  };
  const active = (endpoints.data?.items ?? []).filter((e) => e.active);

  return (
    <main className="page store hq-webhooks">
      <h1>{t('hq.webhooks.title')}</h1>
      <p className="muted small">{t('hq.webhooks.intro')}</p>
      {shown && (
        <SuccessBanner>
          <span className="block">{t('hq.webhooks.secretOnce', { url: shown.url })}</span>
          <code className="block" data-testid="secret">
            {shown.secret}
          </code>
        </SuccessBanner>
      )}
      <ProblemBanner error={endpoints.error ?? create.error ?? roll.error ?? retry.error} />
      {endpoints.isPending && <p className="muted">{t('common.loading')}</p>}
      {endpoints.data && active.length === 0 && <p className="muted">{t('hq.webhooks.none')}</p>}
      {active.map((e) => (
        <section key={e.id} className="card webhook-endpoint" data-endpoint={e.id}>
          <h2 className="recipient">{e.url}</h2>
          <p className="small">
            {t('hq.webhooks.events', {
              events: (e.events as EventPattern[]).map((p) => patternLabel(t, p)).join('、'),
            })}
            {' · '}
            <span data-testid="signature">{t(`hq.webhooks.signature.${e.signature}`)}</span>
            {e.previousSecretUntil && (
              <span className="muted">
                {' · '}
                {t('hq.webhooks.previousUntil', { at: formatDateTime(e.previousSecretUntil, lang) })}
              </span>
            )}
          </p>
          <p className="row-actions">
            <Button
              onClick={() => {
                setShown(null);
                roll.mutate(e);
              }}
              busy={roll.isPending && roll.variables?.id === e.id}
              data-testid="roll"
            >
              {t(e.signature === 'legacy' ? 'hq.webhooks.rollLegacy' : 'hq.webhooks.roll')}
            </Button>
          </p>
          <RecentTable
            rows={e.recentDeliveries}
            onRetry={(d) => retry.mutate(d)}
            retrying={retry.isPending ? retry.variables?.id : undefined}
          />
        </section>
      ))}
      <form className="card" onSubmit={submit}>
        <h2>{t('hq.webhooks.add')}</h2>
        <TextField
          label={t('hq.webhooks.url')}
          type="url"
          required
          placeholder="https://"
          value={url}
          onChange={(ev) => setUrl(ev.target.value)}
        />
        <WebhookEventPicker value={events} onChange={setEvents} />
        {events.length === 0 && <p className="muted small">{t('hq.webhooks.pickOne')}</p>}
        <Button type="submit" variant="primary" busy={create.isPending} disabled={events.length === 0}>
          {t('hq.webhooks.register')}
        </Button>
      </form>
    </main>
  );
}

function RecentTable({
  rows,
  onRetry,
  retrying,
}: {
  rows: RecentDelivery[];
  onRetry: (d: RecentDelivery) => void;
  retrying: string | undefined;
}) {
  const t = useT();
  const status = (d: RecentDelivery) => (d.deliveredAt ? 'sent' : d.failedAt ? 'dead' : 'pending');
  const columns: Column<RecentDelivery>[] = [
    {
      key: 'what',
      header: t('hq.deliveries.col.what'),
      cell: (d) => deliveryWhat(t, { channel: 'webhook', template: d.event }),
    },
    {
      key: 'status',
      header: t('hq.webhooks.col.status'),
      cell: (d) => <span data-testid="status">{t(`hq.deliveries.status.${status(d)}`)}</span>,
    },
    {
      key: 'answer',
      header: t('hq.webhooks.col.answer'),
      cell: (d) =>
        deliveryError(t, d) ??
        (d.lastStatus
          ? t('hq.webhooks.answered', { status: d.lastStatus })
          : d.attempts
            ? '—'
            : t('hq.deliveries.notYet')),
    },
    {
      key: 'attempts',
      header: t('hq.deliveries.col.attempts'),
      align: 'end',
      cell: (d) => t('hq.deliveries.attempts', { n: d.attempts }),
    },
    {
      key: 'action',
      header: <span className="visually-hidden">{t('hq.deliveries.col.action')}</span>,
      align: 'end',
      cell: (d) =>
        status(d) !== 'sent' && (d.failedAt || d.lastError) ? (
          <Button
            variant={d.failedAt ? 'primary' : 'secondary'}
            onClick={() => onRetry(d)}
            busy={retrying === d.id}
            disabled={retrying !== undefined}
            data-testid="retry"
          >
            {t(d.failedAt ? 'hq.deliveries.retry' : 'hq.deliveries.retryNow')}
          </Button>
        ) : null,
    },
  ];
  return (
    <DataTable<RecentDelivery>
      columns={columns}
      rows={rows}
      rowKey={(d) => d.id}
      rowProps={(d) => ({ 'data-delivery': d.id })}
      empty={t('hq.webhooks.noDeliveries')}
    />
  );
}
