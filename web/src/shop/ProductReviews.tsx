import { ReportReview } from './ReportReview';
import { lazy, Suspense, useState } from 'react';
import type { Product } from '../shared/api/types';
import { useCustomerSession } from '../shared/customer/session';
import { formatDate } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { Link, withNext } from '../shared/router';
import { Button, ProblemBanner } from '../shared/ui';
import { Stars } from '../shared/ui/Stars';
import {
  FITS,
  useHelpfulVote,
  useProductReviews,
  useReviewViewer,
  type Review,
  type ReviewSort,
  type ReviewSummary,
} from '../shared/reviews';

/** The form (and its photo shrinking) is a chunk of its own: most visitors read reviews, few write one. */
const ReviewForm = lazy(() => import('./ReviewForm'));

/** Asked for by 「レビューを書く」 links elsewhere (her purchases): open the form on arrival. */
const wantsForm = () => new URLSearchParams(window.location.search).has('review');

/** レビュー on the product page: figures, サイズ感, the list (参考になった順 / 新着順), and her form when she may write. */
export default function ProductReviews({ product }: { product: Product }) {
  const t = useT();
  const [sort, setSort] = useState<ReviewSort>('helpful');
  const [pages, setPages] = useState(1);
  const [writing, setWriting] = useState(wantsForm);
  const page = useProductReviews(product.id, sort, pages);
  const viewer = useReviewViewer(product.id);
  const session = useCustomerSession();
  const data = page.data;
  const mine = viewer.data?.reviewId ?? null;
  return (
    <section className="product-reviews card" aria-labelledby="reviews-title" id="reviews">
      <h2 id="reviews-title">{t('reviews.title')}</h2>
      <ProductJsonLd product={product} summary={data?.summary} />
      <ProblemBanner error={page.error} />
      {data && <ReviewFigures summary={data.summary} fitApplies={data.product.fitApplies} />}
      <div className="review-write" id="write-review">
        {writing && (viewer.data?.canReview || mine) ? (
          <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
            <ReviewForm
              productId={product.id}
              fitApplies={!!data?.product.fitApplies}
              reviewId={mine}
              onDone={() => setWriting(false)}
            />
          </Suspense>
        ) : viewer.data?.canReview ? (
          <Button variant="primary" onClick={() => setWriting(true)}>
            {t('reviews.write')}
          </Button>
        ) : mine ? (
          <Button onClick={() => setWriting(true)}>{t('reviews.editMine')}</Button>
        ) : !session ? (
          <p className="muted small">
            <Link href={withNext('/account/login')}>{t('reviews.signInToWrite')}</Link>
          </p>
        ) : (
          viewer.data && <p className="muted small">{t('reviews.onlyBuyers')}</p>
        )}
      </div>
      {data && data.summary.count > 0 && (
        <>
          <div className="chips review-sort" role="group" aria-label={t('reviews.sort')}>
            {(['helpful', 'newest'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className="chip"
                aria-pressed={sort === s}
                onClick={() => {
                  setSort(s);
                  setPages(1);
                }}
              >
                {t(`reviews.sort.${s}`)}
              </button>
            ))}
          </div>
          <ol className="review-list" data-testid="reviews">
            {data.items.map((r) => (
              <ReviewItem
                key={r.id}
                review={r}
                productId={product.id}
                signedIn={!!session}
                mine={r.id === mine}
                helpful={viewer.data?.helpful.includes(r.id) ?? false}
              />
            ))}
          </ol>
          {data.nextOffset !== null && (
            <Button onClick={() => setPages((n) => n + 1)} busy={page.isFetching}>
              {t('reviews.more')}
            </Button>
          )}
        </>
      )}
      {data && data.summary.count === 0 && <p className="muted">{t('reviews.none')}</p>}
    </section>
  );
}

/** The average, the count, the 5→1 bars and the サイズ感 split. */
export function ReviewFigures({ summary, fitApplies }: { summary: ReviewSummary; fitApplies: boolean }) {
  const t = useT();
  if (!summary.count) return null;
  const max = Math.max(...Object.values(summary.distribution), 1);
  const fits = summary.fit.small + summary.fit.true + summary.fit.large;
  return (
    <div className="review-figures">
      <div className="review-average">
        <span className="review-average-number" aria-hidden="true">
          {summary.average?.toFixed(1)}
        </span>
        <Stars value={summary.average ?? 0} size="lg" />
        <span className="muted small" data-testid="review-count">
          {t('reviews.count', { n: summary.count })}
        </span>
      </div>
      <dl className="review-bars" aria-label={t('reviews.distribution')}>
        {(['5', '4', '3', '2', '1'] as const).map((star) => (
          <div key={star} className="review-bar-row">
            <dt>
              <span aria-hidden="true">★{star}</span>
              <span className="visually-hidden">
                {t('reviews.distributionRow', { star, n: summary.distribution[star] })}
              </span>
            </dt>
            <dd>
              <span className="review-bar" aria-hidden="true">
                <span style={{ width: `${(summary.distribution[star] / max) * 100}%` }} />
              </span>
              <span className="review-bar-n" aria-hidden="true">
                {summary.distribution[star]}
              </span>
            </dd>
          </div>
        ))}
      </dl>
      {fitApplies && fits > 0 && (
        <div className="review-fit">
          <h3>{t('reviews.fitTitle')}</h3>
          <ul className="review-fit-scale">
            {FITS.map((f) => (
              <li
                key={f}
                className={
                  summary.fit[f] === Math.max(summary.fit.small, summary.fit.true, summary.fit.large) ? 'is-top' : ''
                }
              >
                {t('reviews.fitRow', { label: t(`reviews.fit.${f}`), n: summary.fit[f] })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function ReviewItem({
  review: r,
  productId,
  signedIn,
  mine,
  helpful,
}: {
  review: Review;
  productId: string;
  signedIn: boolean;
  mine: boolean;
  helpful: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const vote = useHelpfulVote(productId);
  const channel = `reviews.boughtAt.${r.purchaseChannel}`;
  return (
    <li className="review" data-testid="review">
      <div className="review-head">
        <Stars value={r.rating} size="sm" />
        <strong className="review-title">{r.title}</strong>
      </div>
      <p className="review-meta small">
        <span className="badge badge-verified">{t('reviews.verified')}</span>{' '}
        <span>{r.nickname ?? t('reviews.anonymous')}</span>
        {' · '}
        <span className="muted">
          {formatDate(r.createdAt, lang)}
          {isMessageKey(channel) && ` · ${t(channel)}`}
          {r.edited && ` ${t('reviews.edited')}`}
        </span>
        {r.fit && (
          <>
            {' · '}
            <span>
              {t('reviews.fitTitle')}: {t(`reviews.fit.${r.fit}`)}
            </span>
          </>
        )}
      </p>
      <p className="review-body">{r.body}</p>
      {r.photos.length > 0 && (
        <ul className="review-photos">
          {r.photos.map((p, i) => (
            <li key={p.id}>
              <a href={p.url} target="_blank" rel="noreferrer">
                <img
                  src={p.url}
                  width={p.width}
                  height={p.height}
                  loading="lazy"
                  alt={t('reviews.photoAlt', { n: i + 1 })}
                />
              </a>
            </li>
          ))}
        </ul>
      )}
      {r.reply && (
        <div className="review-reply">
          <p className="small">
            <strong>{t('reviews.reply')}</strong> <span className="muted">{formatDate(r.reply.at, lang)}</span>
          </p>
          <p className="review-body">{r.reply.body}</p>
        </div>
      )}
      <div className="review-actions small">
        {r.helpfulCount > 0 && <span className="muted">{t('reviews.helpfulCount', { n: r.helpfulCount })}</span>}
        {signedIn && !mine && (
          <>
            <Button
              variant="ghost"
              aria-pressed={helpful}
              busy={vote.isPending}
              onClick={() => vote.mutate({ reviewId: r.id, on: !helpful })}
            >
              {helpful ? t('reviews.helpfulVoted') : t('reviews.helpful')}
            </Button>
            <ReportReview reviewId={r.id} />
          </>
        )}
      </div>
      <ProblemBanner error={vote.error} />
    </li>
  );
}

/**
 * schema.org Product with its AggregateRating (and offers), as JSON-LD in the page: what search engines read
 * for stars in results. `<` is escaped so no product text can close the script element.
 */
export function ProductJsonLd({ product, summary }: { product: Product; summary: ReviewSummary | undefined }) {
  const active = product.variants.filter((v) => v.status === 'active');
  const prices = active.map((v) => v.price);
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    ...(product.description && { description: product.description }),
    sku: active[0]?.sku,
    gtin13: active[0]?.jan,
    ...(prices.length > 0 && {
      offers: {
        '@type': 'AggregateOffer',
        priceCurrency: 'JPY',
        lowPrice: Math.min(...prices),
        highPrice: Math.max(...prices),
        offerCount: active.length,
      },
    }),
    ...(summary &&
      summary.count > 0 && {
        aggregateRating: {
          '@type': 'AggregateRating',
          ratingValue: summary.average,
          reviewCount: summary.count,
          bestRating: 5,
          worstRating: 1,
        },
      }),
  };
  return (
    <script
      type="application/ld+json"
      data-testid="product-jsonld"
      dangerouslySetInnerHTML={{ __html: JSON.stringify(data).replace(/</g, '\\u003c') }}
    />
  );
}
