import { useState } from 'react';
import { formatDate } from '../shared/format';
import { isMessageKey, useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner, ProductTile } from '../shared/ui';
import { Stars } from '../shared/ui/Stars';
import { useMyReviews } from '../shared/reviews';
import { AccountPage } from './AccountPage';

const SHOWN = 5;
const productHref = (id: string, write = false) =>
  `/shop/products/${encodeURIComponent(id)}${write ? '?review=1#write-review' : '#reviews'}`;

/**
 * /account/reviews — レビュー: what she bought and has not reviewed (レビューを書く: every channel, the till's
 * receipts included), and the reviews she wrote, a hidden one with head office's reason.
 */
export default function ReviewsScreen() {
  const t = useT();
  const lang = useLang();
  const mine = useMyReviews();
  const data = mine.data;
  // The newest few first: a year of shopping is a long list on a phone.
  const [all, setAll] = useState(false);
  const toReview = all ? (data?.toReview ?? []) : (data?.toReview ?? []).slice(0, SHOWN);
  return (
    <AccountPage title={t('reviews.mine.title')}>
      <ProblemBanner error={mine.error} />
      {mine.isPending && <p className="muted">{t('common.loading')}</p>}
      {data && (
        <>
          <section aria-labelledby="to-review" className="stack">
            <h2 id="to-review">{t('reviews.mine.toWrite')}</h2>
            <p className="muted small">{t('reviews.mine.toWriteLead')}</p>
            {data.toReview.length === 0 ? (
              <p className="card">{t('reviews.mine.toWriteNone')}</p>
            ) : (
              <ul className="favourite-list" data-testid="to-review">
                {toReview.map((p) => {
                  const channel = `reviews.boughtAt.${p.channel}`;
                  return (
                    <li key={p.productId} className="favourite-row">
                      <ProductTile id={p.productId} name={p.productName} />
                      <div className="favourite-row-body">
                        <span className="product-name">{p.productName}</span>
                        <span className="muted small">
                          {t('reviews.mine.purchased', {
                            date: formatDate(p.purchasedAt, lang),
                            channel: isMessageKey(channel) ? t(channel) : '',
                          })}
                        </span>
                      </div>
                      <div className="favourite-actions">
                        <Link className="btn btn-primary btn-md" href={productHref(p.productId, true)}>
                          {t('reviews.orders.lineLink')}
                        </Link>
                      </div>
                    </li>
                  );
                })}
              </ul>
            )}
            {!all && data.toReview.length > SHOWN && (
              <Button onClick={() => setAll(true)}>{t('reviews.mine.showAll', { n: data.toReview.length })}</Button>
            )}
          </section>
          <section aria-labelledby="written" className="stack">
            <h2 id="written">{t('reviews.mine.written')}</h2>
            {data.items.length === 0 ? (
              <p className="card">{t('reviews.mine.none')}</p>
            ) : (
              <ul className="review-list" data-testid="my-reviews">
                {data.items.map((r) => (
                  <li key={r.id} className="review">
                    <p className="small">
                      <Link href={productHref(r.productId)}>{r.productName}</Link>
                      {r.status === 'hidden' && (
                        <span className="status status-cancelled"> {t('reviews.mine.hidden')}</span>
                      )}
                    </p>
                    <div className="review-head">
                      <Stars value={r.rating} size="sm" />
                      <strong className="review-title">{r.title}</strong>
                    </div>
                    <p className="muted small">{formatDate(r.createdAt, lang)}</p>
                    <p className="review-body">{r.body}</p>
                    {r.hiddenReason && (
                      <p className="banner banner-info small">
                        {t('reviews.mine.hiddenReason', { reason: r.hiddenReason })}
                      </p>
                    )}
                    {r.reply && (
                      <div className="review-reply">
                        <p className="small">
                          <strong>{t('reviews.reply')}</strong>
                        </p>
                        <p className="review-body">{r.reply.body}</p>
                      </div>
                    )}
                    <Link href={productHref(r.productId, true)}>{t('reviews.mine.edit')}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </AccountPage>
  );
}
