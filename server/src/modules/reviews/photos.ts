import { and, count, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/connection.ts';
import { inTransaction } from '../../platform/db/tx.ts';
import { requireCustomer, type Principal } from '../../platform/auth.ts';
import { DomainError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { reviewPhotos, reviews } from './schema.ts';
import { ownReview } from './reviews.ts';
import { photoUrl } from './read.ts';
import './problems.ts';

export const MAX_PHOTOS = 3;
/** What a phone sends after the browser has shrunk it (the web app sends ≤ 1600 px JPEG): generous, still small. */
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 1200;
const MAX_INPUT_PIXELS = 40_000_000; // a decompression bomb is refused before it is decoded

/** The kind of image by its first bytes (never by what the client says it is). */
export function sniffImage(bytes: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (bytes.length > 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return null;
}

/**
 * A photo as stored: decoded and re-encoded as JPEG (WebP, PNG and JPEG in; JPEG out), turned upright,
 * at most 1200 px a side, with no metadata — a phone's photo carries where it was taken (GPS) and the
 * device, which a public review must not. Anything sharp cannot read is 422 reviews.bad_photo.
 */
export async function normalisePhoto(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const bad = () => new DomainError('reviews.bad_photo', { maxKb: MAX_PHOTO_BYTES / 1024 });
  if (bytes.length > MAX_PHOTO_BYTES || !sniffImage(bytes)) throw bad();
  const { default: sharp } = await import('sharp'); // loaded with the first photo, not at start
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    throw bad();
  }
}

/** She adds a photo to her review (at most MAX_PHOTOS; counted under the review's row lock). */
export async function addPhoto(
  db: Db,
  actor: Principal,
  reviewId: string,
  bytes: Buffer,
): Promise<{ id: string; url: string; width: number; height: number }> {
  const { customerId } = requireCustomer(actor);
  await ownReview(db, customerId, reviewId); // 404 before the work of decoding
  const photo = await normalisePhoto(bytes);
  return inTransaction(db, async (tx) => {
    await ownReview(tx, customerId, reviewId);
    const [n] = await tx.select({ n: count() }).from(reviewPhotos).where(eq(reviewPhotos.reviewId, reviewId));
    if ((n?.n ?? 0) >= MAX_PHOTOS) throw new DomainError('reviews.too_many_photos', { max: MAX_PHOTOS });
    const id = newId('rph');
    await tx.insert(reviewPhotos).values({
      id,
      reviewId,
      contentType: 'image/jpeg',
      data: photo.data.toString('base64'),
      width: photo.width,
      height: photo.height,
    });
    return { id, url: photoUrl(id), width: photo.width, height: photo.height };
  });
}

/** She removes one of her review's photos. */
export async function removePhoto(db: Db, actor: Principal, reviewId: string, photoId: string): Promise<void> {
  const { customerId } = requireCustomer(actor);
  await inTransaction(db, async (tx) => {
    await ownReview(tx, customerId, reviewId);
    const gone = await tx
      .delete(reviewPhotos)
      .where(and(eq(reviewPhotos.id, photoId), eq(reviewPhotos.reviewId, reviewId)))
      .returning({ id: reviewPhotos.id });
    if (!gone.length) throw new DomainError('reviews.not_found', { reviewId: photoId });
  });
}

/**
 * A photo's bytes: anyone, for a published review; a hidden review's only to its author and head office.
 * Unknown or not hers to see: 404. `published` says whether a shared cache may keep it.
 */
export async function readPhoto(
  db: Db,
  actor: Principal,
  photoId: string,
): Promise<{ bytes: Buffer; published: boolean }> {
  const [row] = await db
    .select({ data: reviewPhotos.data, status: reviews.status, customerId: reviews.customerId })
    .from(reviewPhotos)
    .innerJoin(reviews, eq(reviews.id, reviewPhotos.reviewId))
    .where(eq(reviewPhotos.id, photoId));
  const allowed =
    row &&
    (row.status === 'published' ||
      (actor.kind === 'customer' && actor.customerId === row.customerId) ||
      (actor.kind === 'staff' && (actor.role === 'hq' || actor.role === 'owner')));
  if (!allowed) throw new DomainError('reviews.not_found', { reviewId: photoId });
  return { bytes: Buffer.from(row.data, 'base64'), published: row.status === 'published' };
}
