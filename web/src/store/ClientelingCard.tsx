import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ClientelingCard as Card, Interest, StaffNote } from '../shared/api/types';
import { describeOptions, formatDate, formatDateTime, formatPoints, formatYenRange } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ChannelIcon, ProblemBanner, SuccessBanner, TierBadge } from '../shared/ui';
import { CardCart } from './LiveCart';
import { CardCollections, CardPurchases } from './CardHistory';
import { Stars } from '../shared/ui/Stars';

/** この店に在庫あり (3) — of the sizes/colours she chose, or of any when she chose none. */
function InStockHere({ available }: { available: number }) {
  const t = useT();
  return available > 0 ? (
    <span className="stock stock-ok">{t('card.hereN', { n: available })}</span>
  ) : (
    <span className="stock stock-none">{t('card.notHere')}</span>
  );
}

/** One product she showed interest in online: what she did, which variants, and whether it is on this store's shelf. */
function InterestRow({ interest }: { interest: Interest }) {
  const t = useT();
  const lang = useLang();
  const kinds = [interest.inCart && 'carted', interest.favorited && 'favorited', interest.viewed && 'viewed'].filter(
    (k): k is 'carted' | 'favorited' | 'viewed' => !!k,
  );
  return (
    <li
      className="interest"
      data-product={interest.productId}
      data-in-stock={String(interest.inStock)}
      data-available={interest.available}
    >
      <div>
        <p className="product-name">{interest.productName}</p>
        <p className="small">
          {kinds.map((k) => (
            <span key={k} className={`kind kind-${k}`}>
              {t(`card.kind.${k}`)}
            </span>
          ))}{' '}
          <span className="muted">{formatDateTime(interest.lastAt, lang)}</span>
        </p>
        {interest.variants.length === 1 && <p className="small">{describeOptions(interest.variants[0]!.options)}</p>}
        {interest.variants.length > 1 && (
          <ul className="plain-list variant-stock small">
            {interest.variants.map((v) => (
              <li key={v.variantId}>
                {describeOptions(v.options) || v.variantId} <InStockHere available={v.available} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="stock-col">
        {interest.variants.length <= 1 && <InStockHere available={interest.available} />}
        {!interest.inStock && interest.nearby && (
          <p className="small nearby" data-nearby={interest.nearby.locationId}>
            {t('card.nearby', {
              name: interest.nearby.name,
              km: interest.nearby.distanceKm.toFixed(1),
              n: interest.nearby.available,
            })}
          </p>
        )}
      </div>
    </li>
  );
}

/** 最近のご利用: the last time on each channel, newest first. */
function LastVisits({ card }: { card: Card }) {
  const t = useT();
  const lang = useLang();
  if (!card.lastVisits.length) return <p className="muted">{t('card.noVisits')}</p>;
  return (
    <ul className="plain-list visits">
      {[...card.lastVisits]
        .sort((a, b) => b.at.localeCompare(a.at))
        .map((v) => (
          <li key={`${v.channel}:${v.at}`} data-channel={v.channel}>
            <ChannelIcon channel={v.channel} label />
            <span>{formatDateTime(v.at, lang)}</span>
            {v.locationName && <span className="muted">{v.locationName}</span>}
          </li>
        ))}
    </ul>
  );
}

function Notes({ customerId, locationId, notes }: { customerId: string; locationId: string; notes: StaffNote[] }) {
  const t = useT();
  const lang = useLang();
  const [body, setBody] = useState('');
  const [added, setAdded] = useState<StaffNote[]>([]);
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/customers/{id}/notes', {
          params: { path: { id: customerId } },
          body: { body: body.trim(), locationId },
        }),
      ),
    onSuccess: (note) => {
      setAdded((a) => [note, ...a]);
      setBody('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (body.trim()) add.mutate();
  };
  const all = [...added, ...notes];

  return (
    <>
      {all.length ? (
        <ul className="plain-list notes">
          {all.map((n) => (
            <li key={n.id} className="note">
              <p>{n.body}</p>
              <p className="muted small">
                {formatDateTime(n.createdAt, lang)}
                {n.staffName && ` · ${n.staffName}`}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('card.notesNone')}</p>
      )}
      <form className="note-form" onSubmit={submit}>
        <label htmlFor="note-body" className="scan-label">
          {t('card.noteLabel')}
        </label>
        <textarea
          id="note-body"
          rows={2}
          value={body}
          maxLength={1000}
          onChange={(e) => setBody(e.target.value)}
          placeholder={t('card.notePlaceholder')}
        />
        <ProblemBanner error={add.error} labels={{ body: t('card.noteLabel') }} />
        {add.isSuccess && !body && <SuccessBanner>{t('card.noteSaved')}</SuccessBanner>}
        <Button type="submit" busy={add.isPending} disabled={!body.trim()}>
          {t('card.noteSubmit')}
        </Button>
      </form>
    </>
  );
}

/**
 * The clienteling card: everything a clerk needs at the counter after one scan. The greeting first, big,
 * in the customer's name; then what she looked at online and whether this store has it on the shelf now.
 */
export function ClientelingCard({
  card,
  locationId,
  canOpenProfile,
}: {
  card: Card;
  locationId: string;
  canOpenProfile: boolean;
}) {
  const t = useT();
  const lang = useLang();
  const c = card.customer;

  return (
    <article className="clienteling" data-customer={c.id} aria-labelledby="greeting">
      <header className="clienteling-head">
        <div>
          <p id="greeting" className="greeting">
            {t('card.greeting', { name: lang === 'ja' ? c.greeting : (c.name ?? c.greeting) })}
          </p>
          {c.nameKana && <p className="product-kana">{c.nameKana}</p>}
        </div>
        <TierBadge tier={c.tier} />
      </header>
      <dl className="clienteling-facts">
        <div>
          <dt>{t('card.points')}</dt>
          <dd className="big-number" data-testid="card-points">
            {formatPoints(card.points.balance, lang)}
          </dd>
        </div>
        <div>
          <dt>{t('card.memberNumber')}</dt>
          <dd className="mono">{c.memberNumber}</dd>
        </div>
        <div>
          <dt>{t('card.since')}</dt>
          <dd>{t('card.sinceValue', { date: formatDate(c.memberSince, lang) })}</dd>
        </div>
      </dl>

      <CardCart card={card} locationId={locationId} />

      <div className="clienteling-grid">
        <section className="card" aria-labelledby="interests-title">
          <h2 id="interests-title">{t('card.interests')}</h2>
          {card.interests.length ? (
            <ul className="plain-list interests">
              {card.interests.map((i) => (
                <InterestRow key={i.productId} interest={i} />
              ))}
            </ul>
          ) : (
            <p className="muted">{t('card.interestsNone')}</p>
          )}
        </section>

        <section className="card" aria-labelledby="suggestions-title">
          <h2 id="suggestions-title">{t('card.suggestions')}</h2>
          <p className="muted small">{t('card.suggestionsHint')}</p>
          {card.suggestions.length ? (
            <ul className="plain-list suggestions">
              {card.suggestions.map((s) => (
                <li key={s.productId} className="suggestion" data-product={s.productId}>
                  <div>
                    <p className="product-name">{s.name}</p>
                    <p className="muted small">
                      {s.basedOn ? t('card.suggestionBasedOn', { name: s.basedOn }) : t('card.suggestionPopular')}
                    </p>
                  </div>
                  <div className="suggestion-facts">
                    <span>{formatYenRange(s.priceMin, s.priceMax, lang)}</span>
                    <InStockHere available={s.available} />
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('card.suggestionsNone')}</p>
          )}
        </section>

        <section className="card" aria-labelledby="appointment-title" data-testid="card-appointment">
          <h2 id="appointment-title">{t('card.appointment')}</h2>
          {card.appointment.next ? (
            <p>
              <strong>{formatDateTime(card.appointment.next.startsAt, lang)}</strong> {card.appointment.next.store.name}
              ・
              {lang === 'en' && card.appointment.next.service.nameEn
                ? card.appointment.next.service.nameEn
                : card.appointment.next.service.nameJa}
              {card.appointment.next.note && <span className="small appt-note"> {card.appointment.next.note}</span>}
            </p>
          ) : (
            <p className="muted">{t('card.appointmentNone')}</p>
          )}
          {card.appointment.noShowCount > 0 && (
            <p className="appt-noshows">{t('apptStaff.noShows', { n: card.appointment.noShowCount })}</p>
          )}
        </section>

        <section className="card" aria-labelledby="favourites-title">
          <h2 id="favourites-title">{t('card.favourites', { n: card.favourites.count })}</h2>
          {card.favourites.items.length ? (
            <ul className="plain-list suggestions" data-testid="card-favourites">
              {card.favourites.items.map((f) => (
                <li key={f.productId} className="suggestion">
                  <p className="product-name">{f.name}</p>
                  <div className="suggestion-facts">
                    {f.priceMin !== null && f.priceMax !== null && (
                      <span>{formatYenRange(f.priceMin, f.priceMax, lang)}</span>
                    )}
                    <InStockHere available={f.available ?? 0} />
                  </div>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('card.favouritesNone')}</p>
          )}
          {card.favourites.count > card.favourites.items.length && (
            <p className="muted small">
              {t('card.favouritesMore', { n: card.favourites.count - card.favourites.items.length })}
            </p>
          )}
        </section>

        <CardPurchases card={card} />
        <CardCollections card={card} locationId={locationId} />
        <section className="card" aria-labelledby="card-reviews-title">
          <h2 id="card-reviews-title">
            {t('card.reviews', { n: card.reviews.count })}
            {card.reviews.average !== null && (
              <span className="muted small">
                {' '}
                {t('card.reviewsAverage', { average: card.reviews.average.toFixed(1) })}
              </span>
            )}
          </h2>
          {card.reviews.latest.length ? (
            <ul className="plain-list" data-testid="card-reviews">
              {card.reviews.latest.map((r) => (
                <li key={r.id} className="card-review">
                  <p className="product-name">{r.productName}</p>
                  <p className="small">
                    <Stars value={r.rating} size="sm" /> {r.title}
                    {r.fit && <span className="muted"> · {t(`reviews.fit.${r.fit}`)}</span>}
                    {r.hidden && <span className="status status-cancelled"> {t('card.reviewHidden')}</span>}
                  </p>
                  <p className="muted small">{formatDate(r.createdAt, lang)}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('card.reviewsNone')}</p>
          )}
        </section>

        <section className="card" aria-labelledby="holds-title">
          <h2 id="holds-title">{t('card.holds')}</h2>
          {card.holds.length ? (
            <ul className="plain-list">
              {card.holds.map((h) => (
                <li key={h.id} className="hold">
                  <ul className="lines">
                    {h.lines.map((l) => (
                      <li key={`${l.variantId}:${l.locationId}`}>
                        {l.productName ?? <span className="mono">{l.variantId}</span>} × {l.quantity}
                        {l.locationId !== locationId && l.locationName && (
                          <span className="muted"> ({l.locationName})</span>
                        )}
                      </li>
                    ))}
                  </ul>
                  <p className="muted small">{t('card.holdUntil', { date: formatDateTime(h.expiresAt, lang) })}</p>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('card.holdsNone')}</p>
          )}
          <h2>{t('card.lastVisits')}</h2>
          <LastVisits card={card} />
        </section>

        <section className="card" aria-labelledby="notes-title">
          <h2 id="notes-title">{t('card.notes')}</h2>
          <Notes key={c.id} customerId={c.id} locationId={locationId} notes={card.notes} />
        </section>
      </div>
      {canOpenProfile && (
        <p>
          <Link href={`/hq/customers/${encodeURIComponent(c.id)}`}>{t('card.profile')} →</Link>
        </p>
      )}
    </article>
  );
}
