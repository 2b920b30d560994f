import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextAreaField, TextField, fieldError } from '../shared/ui';
import { FITS, useForgetReviews, type Fit } from '../shared/reviews';

const MAX_PHOTOS = 3;
/** A phone's photo is shrunk here before it leaves (the server re-encodes it anyway, at 1200 px). */
const SEND_SIDE = 1600;

/** A picked image as a JPEG of at most SEND_SIDE px, base64 (no data: prefix). */
async function shrink(file: File): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, SEND_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  if (!blob) throw new Error('unreadable');
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * レビューを書く / 編集: 評価 (a radio group of five stars), タイトル, 本文, サイズ感 for what is worn, 表示名 and up to
 * three photos. Loaded only when she opens it (its own chunk).
 */
export default function ReviewForm({
  productId,
  fitApplies,
  reviewId,
  onDone,
}: {
  productId: string;
  fitApplies: boolean;
  reviewId: string | null;
  onDone: () => void;
}) {
  const t = useT();
  const forget = useForgetReviews();
  // Once posted, the page learns her review's id: the thanks still says 投稿 (not 保存).
  const [isNew] = useState(!reviewId);
  const existing = useQuery({
    queryKey: ['account', 'reviews', 'one', reviewId],
    queryFn: () => call(api.GET('/api/account/reviews/{id}', { params: { path: { id: reviewId! } } })),
    enabled: !!reviewId,
  });
  const [rating, setRating] = useState(0);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [fit, setFit] = useState<Fit | null>(null);
  const [nickname, setNickname] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [ratingMissing, setRatingMissing] = useState(false);
  const [photoError, setPhotoError] = useState(false);
  useEffect(() => {
    const r = existing.data;
    if (!r) return;
    setRating(r.rating);
    setTitle(r.title);
    setBody(r.body);
    setFit(r.fit);
    setNickname(r.nickname ?? '');
  }, [existing.data]);
  const kept = existing.data?.photos ?? [];

  const save = useMutation({
    mutationFn: async () => {
      const input = { rating, title, body, nickname: nickname || null, ...(fitApplies ? { fit } : {}) };
      const saved = reviewId
        ? await call(api.PATCH('/api/account/reviews/{id}', { params: { path: { id: reviewId } }, body: input }))
        : await call(api.POST('/api/account/reviews', { body: { productId, ...input } }));
      for (const file of files) {
        let data: string;
        try {
          data = await shrink(file);
        } catch {
          setPhotoError(true);
          continue;
        }
        await call(
          api.POST('/api/account/reviews/{id}/photos', { params: { path: { id: saved.id } }, body: { data } }),
        );
      }
      return saved;
    },
    onSuccess: () => {
      forget(productId);
      setFiles([]);
    },
  });
  const removePhoto = useMutation({
    mutationFn: (photoId: string) =>
      call(api.DELETE('/api/account/reviews/{id}/photos/{photoId}', { params: { path: { id: reviewId!, photoId } } })),
    onSuccess: () => {
      void existing.refetch();
      forget(productId);
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/account/reviews/{id}', { params: { path: { id: reviewId! } } })),
    onSuccess: () => {
      forget(productId);
      onDone();
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!rating) {
      setRatingMissing(true);
      return;
    }
    save.mutate();
  };
  if (save.isSuccess)
    return <SuccessBanner>{isNew ? t('reviews.form.posted') : t('reviews.form.saved')}</SuccessBanner>;

  return (
    <form className="review-form stack" onSubmit={submit} noValidate data-testid="review-form">
      <h3>{reviewId ? t('reviews.form.editTitle') : t('reviews.form.title')}</h3>
      <fieldset className="star-input" aria-describedby={ratingMissing ? 'rating-error' : undefined}>
        <legend>{t('reviews.form.rating')}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={n <= rating ? 'is-on' : ''}>
            <input
              type="radio"
              name="rating"
              value={n}
              checked={rating === n}
              onChange={() => {
                setRating(n);
                setRatingMissing(false);
              }}
            />
            <span aria-hidden="true">★</span>
            <span className="visually-hidden">{t('reviews.form.star', { n })}</span>
          </label>
        ))}
        {ratingMissing && (
          <p className="field-error" id="rating-error" role="alert">
            {t('reviews.form.ratingRequired')}
          </p>
        )}
      </fieldset>
      <TextField
        label={t('reviews.form.headline')}
        value={title}
        maxLength={60}
        required
        onChange={(e) => setTitle(e.target.value)}
        error={fieldError(save.error, 'title')}
      />
      <TextAreaField
        label={t('reviews.form.body')}
        hint={t('reviews.form.bodyHint')}
        value={body}
        rows={5}
        maxLength={2000}
        required
        onChange={(e) => setBody(e.target.value)}
        error={fieldError(save.error, 'body')}
      />
      {fitApplies && (
        <fieldset className="fit-input">
          <legend>{t('reviews.form.fit')}</legend>
          {[null, ...FITS].map((f) => (
            <label key={f ?? 'none'} className="chip-radio">
              <input type="radio" name="fit" checked={fit === f} onChange={() => setFit(f)} />
              <span>{f ? t(`reviews.fit.${f}`) : t('reviews.form.fitNone')}</span>
            </label>
          ))}
        </fieldset>
      )}
      <TextField
        label={t('reviews.form.nickname')}
        hint={t('reviews.form.nicknameHint')}
        value={nickname}
        maxLength={20}
        onChange={(e) => setNickname(e.target.value)}
      />
      <div className="field">
        <p className="field-label" id="review-photos-title">
          {t('reviews.form.photos')}
        </p>
        {kept.length > 0 && (
          <ul className="review-photos">
            {kept.map((p, i) => (
              <li key={p.id}>
                <img src={p.url} width={p.width} height={p.height} alt={t('reviews.photoAlt', { n: i + 1 })} />
                <Button variant="ghost" onClick={() => removePhoto.mutate(p.id)} busy={removePhoto.isPending}>
                  {t('reviews.form.photoRemove', { n: i + 1 })}
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="photo-pick">
          <input
            id="review-photos"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            multiple
            aria-describedby="review-photos-title review-photos-hint"
            disabled={kept.length >= MAX_PHOTOS}
            onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, MAX_PHOTOS - kept.length))}
          />
          <label htmlFor="review-photos">{t('reviews.form.photoPick')}</label>
          <span className="muted small" aria-live="polite">
            {files.length ? t('reviews.form.photoChosen', { n: files.length }) : t('reviews.form.photoNone')}
          </span>
        </div>
        <p className="field-hint" id="review-photos-hint">
          {t('reviews.form.photosHint')}
        </p>
        {photoError && <p className="field-error">{t('reviews.form.photoTooBig')}</p>}
      </div>
      <ProblemBanner error={save.error ?? remove.error ?? removePhoto.error} />
      <div className="chips">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {reviewId ? t('reviews.form.save') : t('reviews.form.submit')}
        </Button>
        <Button onClick={onDone}>{t('reviews.form.cancel')}</Button>
        {reviewId && (
          <Button
            variant="danger"
            busy={remove.isPending}
            onClick={() => {
              if (window.confirm(t('reviews.form.deleteConfirm'))) remove.mutate();
            }}
          >
            {t('reviews.form.delete')}
          </Button>
        )}
      </div>
    </form>
  );
}
