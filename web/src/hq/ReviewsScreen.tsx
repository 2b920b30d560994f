import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { formatDateTime } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner, TextAreaField, TextField } from '../shared/ui';
import { Stars } from '../shared/ui/Stars';

type Moderated = paths['/api/reviews']['get']['responses'][200]['content']['application/json']['items'][number];
const FILTERS = ['attention', 'newest', 'reported', 'hidden'] as const;
type Filter = (typeof FILTERS)[number];
const REASONS = ['inappropriate', 'personal_info', 'unrelated', 'other'] as const;

/**
 * /hq/reviews — レビュー管理: every review with the reported ones first (each with its reports by reason and
 * the members' notes), the newest, only the reported, or the hidden ones; 非表示 with a reason
 * she will see, 再表示, and ショップからの返信 shown under the review on the product page.
 */
export function ReviewsScreen() {
  const t = useT();
  const [filter, setFilter] = useState<Filter>('attention');
  const list = useQuery({
    queryKey: ['hq', 'reviews', filter],
    queryFn: () =>
      call(
        api.GET('/api/reviews', {
          params: {
            query:
              filter === 'hidden'
                ? { status: 'hidden', sort: 'newest' }
                : filter === 'reported'
                  ? { sort: 'reported', status: 'published' }
                  : { sort: filter },
          },
        }),
      ),
  });
  return (
    <main className="page hq-reviews">
      <h1>{t('hq.reviews.title')}</h1>
      <div className="chips review-sort" role="group" aria-label={t('hq.reviews.filter')}>
        {FILTERS.map((f) => (
          <button key={f} type="button" className="chip" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {t(`hq.reviews.filter.${f}`)}
          </button>
        ))}
      </div>
      <ProblemBanner error={list.error} />
      {list.isPending && <p className="muted">{t('common.loading')}</p>}
      {list.data?.items.length === 0 && <p className="card">{t('hq.reviews.none')}</p>}
      <ul className="review-list" data-testid="hq-reviews">
        {list.data?.items.map((r) => (
          <ModeratedReview key={r.id} review={r} />
        ))}
      </ul>
    </main>
  );
}

function ModeratedReview({ review: r }: { review: Moderated }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [hiding, setHiding] = useState(false);
  const [reason, setReason] = useState('');
  const [replying, setReplying] = useState(false);
  const [reply, setReply] = useState(r.reply?.body ?? '');
  const done = () => void queryClient.invalidateQueries({ queryKey: ['hq', 'reviews'] });
  const path = { params: { path: { id: r.id } } };
  const hide = useMutation({
    mutationFn: () => call(api.POST('/api/reviews/{id}/hide', { ...path, body: { reason } })),
    onSuccess: () => {
      setHiding(false);
      done();
    },
  });
  const unhide = useMutation({ mutationFn: () => call(api.POST('/api/reviews/{id}/unhide', path)), onSuccess: done });
  const answer = useMutation({
    mutationFn: (body: string | null) => call(api.PUT('/api/reviews/{id}/reply', { ...path, body: { body } })),
    onSuccess: () => {
      setReplying(false);
      done();
    },
  });
  const channel = `reviews.boughtAt.${r.purchaseChannel}`;
  return (
    <li className="review card stack" data-testid="hq-review" data-status={r.status}>
      <p className="small">
        <span className={`status ${r.status === 'hidden' ? 'status-cancelled' : 'status-completed'}`}>
          {t(`hq.reviews.status.${r.status}`)}
        </span>{' '}
        {r.reportCount > 0 && <span className="badge badge-warn">{t('hq.reviews.reports', { n: r.reportCount })}</span>}{' '}
        <Link href={`/shop/products/${encodeURIComponent(r.productId)}#reviews`}>
          {t('hq.reviews.product', { name: r.productName })}
        </Link>
      </p>
      {r.reports && r.status === 'published' && (
        <div className="review-reports small" data-testid="review-reports">
          <p>
            {REASONS.filter((k) => r.reports!.reasons[k] > 0)
              .map((k) => t('hq.reviews.reason', { reason: t(`reviews.reportReason.${k}`), n: r.reports!.reasons[k] }))
              .join(' ・ ')}
          </p>
          {r.reports.notes.length > 0 && (
            <ul>
              {r.reports.notes.map((n) => (
                <li key={n.at + n.note}>
                  「{n.note}」 <span className="muted">{t(`reviews.reportReason.${n.reason}`)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="review-head">
        <Stars value={r.rating} size="sm" />
        <strong className="review-title">{r.title}</strong>
      </div>
      <p className="muted small">
        <Link href={`/hq/customers/${encodeURIComponent(r.author.customerId)}`}>
          {t('hq.reviews.author', {
            name: r.author.name ?? t('hq.reviews.authorUnknown'),
            number: r.author.memberNumber,
          })}
        </Link>
        {' · '}
        {formatDateTime(r.createdAt, lang)}
        {isMessageKey(channel) && ` · ${t(channel)}`}
        {r.fit && ` · ${t('reviews.fitTitle')}: ${t(`reviews.fit.${r.fit}`)}`}
      </p>
      <p className="review-body">{r.body}</p>
      {r.photos.length > 0 && (
        <ul className="review-photos">
          {r.photos.map((p, i) => (
            <li key={p.id}>
              <img
                src={p.url}
                width={p.width}
                height={p.height}
                loading="lazy"
                alt={t('reviews.photoAlt', { n: i + 1 })}
              />
            </li>
          ))}
        </ul>
      )}
      {r.hiddenReason && (
        <p className="banner banner-info small">{t('hq.reviews.hiddenReason', { reason: r.hiddenReason })}</p>
      )}
      {r.reply && !replying && (
        <div className="review-reply">
          <p className="small">
            <strong>{t('reviews.reply')}</strong>
          </p>
          <p className="review-body">{r.reply.body}</p>
        </div>
      )}
      {hiding && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            hide.mutate();
          }}
        >
          <TextField
            label={t('hq.reviews.hideReason')}
            value={reason}
            maxLength={200}
            required
            onChange={(e) => setReason(e.target.value)}
          />
          <div className="chips">
            <Button type="submit" variant="danger" busy={hide.isPending} disabled={!reason.trim()}>
              {t('hq.reviews.hideConfirm')}
            </Button>
            <Button onClick={() => setHiding(false)}>{t('reviews.form.cancel')}</Button>
          </div>
        </form>
      )}
      {replying && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            answer.mutate(reply.trim() || null);
          }}
        >
          <TextAreaField
            label={t('hq.reviews.replyLabel')}
            value={reply}
            rows={3}
            maxLength={1000}
            onChange={(e) => setReply(e.target.value)}
          />
          <div className="chips">
            <Button type="submit" variant="primary" busy={answer.isPending} disabled={!reply.trim()}>
              {t('hq.reviews.replySave')}
            </Button>
            {r.reply && (
              <Button variant="danger" busy={answer.isPending} onClick={() => answer.mutate(null)}>
                {t('hq.reviews.replyRemove')}
              </Button>
            )}
            <Button onClick={() => setReplying(false)}>{t('reviews.form.cancel')}</Button>
          </div>
        </form>
      )}
      {!hiding && !replying && (
        <div className="chips">
          {r.status === 'published' ? (
            <Button variant="danger" onClick={() => setHiding(true)}>
              {t('hq.reviews.hide')}
            </Button>
          ) : (
            <Button busy={unhide.isPending} onClick={() => unhide.mutate()}>
              {t('hq.reviews.unhide')}
            </Button>
          )}
          <Button onClick={() => setReplying(true)}>
            {r.reply ? t('hq.reviews.editReply') : t('hq.reviews.reply')}
          </Button>
        </div>
      )}
      <ProblemBanner error={hide.error ?? unhide.error ?? answer.error} />
    </li>
  );
}
