import { createHash } from 'node:crypto';
import type { Metadata } from 'sharp';
import { defineProblems, DomainError, type CodesOf } from '../errors.ts';

/**
 * Turning an uploaded picture into what a shop serves: refuse anything but a real JPEG, PNG or WebP
 * (decoded, not trusted by its name or type), bounded in bytes and in pixels (a 1 KB PNG can claim
 * 100,000 × 100,000 pixels: sharp's limitInputPixels stops it before it is decoded), then resized to the
 * responsive widths as WebP, turned upright by its EXIF orientation and stripped of its metadata (a phone
 * photo's GPS position must not reach the shop). Used by product images; review photos can use it too.
 */
export const imageProblems = defineProblems({
  'media.unsupported_image': {
    status: 415,
    ja: {
      title: '画像の形式に対応していません',
      detail: (p) =>
        `JPEG・PNG・WebP の画像を送ってください${p.format ? `（${String(p.format)} は受け付けません）` : '（画像として読み取れませんでした）'}。`,
    },
    en: {
      title: 'Unsupported image',
      detail: (p) =>
        `Send a JPEG, PNG or WebP image${p.format ? ` (${String(p.format)} is not accepted)` : ' (the file could not be read as an image)'}.`,
    },
  },
  'media.image_too_large': {
    status: 413,
    ja: {
      title: '画像が大きすぎます',
      detail: (p) => `画像は ${String(p.maxMb)} MB までです（送られたファイルは ${String(p.mb)} MB）。`,
    },
    en: {
      title: 'Image too large',
      detail: (p) => `Images may be at most ${String(p.maxMb)} MB (this one is ${String(p.mb)} MB).`,
    },
  },
  'media.storage_unavailable': {
    status: 503,
    ja: {
      title: '画像を保存できませんでした',
      detail: '画像の保存先に接続できません。しばらくしてからもう一度お試しください。',
    },
    en: {
      title: 'Could not store the image',
      detail: 'The media storage could not be reached. Try again in a moment.',
    },
  },
  'media.image_too_many_pixels': {
    status: 413,
    ja: {
      title: '画像の画素数が多すぎます',
      detail: (p) => `画像は ${String(p.maxMegapixels)} メガピクセルまでです。縮小してから送ってください。`,
    },
    en: {
      title: 'Image has too many pixels',
      detail: (p) => `Images may have at most ${String(p.maxMegapixels)} megapixels. Scale it down first.`,
    },
  },
});

declare module '../errors.ts' {
  interface ProblemCodes extends CodesOf<typeof imageProblems> {}
}

/** The widths a shop asks for: a phone's tile (200), a tablet's or a 2× phone's (400, 800), a retina desktop (1600). */
export const IMAGE_WIDTHS = [200, 400, 800, 1600] as const;

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface Rendition {
  width: number;
  height: number;
  body: Buffer;
}

export interface PreparedImage {
  /** Of the upright original. */
  width: number;
  height: number;
  /** sha256 of the original bytes, hex. */
  sha256: string;
  /** WebP at each width not wider than the original, and at the original's own when narrower than the widest; narrowest first. */
  renditions: Rendition[];
}

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);

/** Check and resize an uploaded image (see the module comment); refusals are media.* problems. */
export async function prepareImage(
  original: Buffer,
  limits: ImageLimits,
  widths: readonly number[] = IMAGE_WIDTHS,
): Promise<PreparedImage> {
  if (original.length > limits.maxBytes)
    throw new DomainError('media.image_too_large', {
      maxMb: +(limits.maxBytes / 1048576).toFixed(1),
      mb: +(original.length / 1048576).toFixed(1),
    });
  const options = { limitInputPixels: limits.maxPixels, failOn: 'error' as const, animated: false };
  // sharp (libvips) is loaded with the first picture, not at start.
  const { default: sharp } = await import('sharp');
  let meta: Metadata;
  try {
    // The header only (no pixels decoded yet), read without the limit so a bomb is named as one below.
    meta = await sharp(original, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw new DomainError('media.unsupported_image', {});
  }
  if (!meta.format || !ACCEPTED.has(meta.format))
    throw new DomainError('media.unsupported_image', { format: meta.format ?? '' });
  if (!meta.width || !meta.height) throw new DomainError('media.unsupported_image', {});
  if (meta.width * meta.height > limits.maxPixels)
    throw new DomainError('media.image_too_many_pixels', { maxMegapixels: +(limits.maxPixels / 1e6).toFixed(1) });
  // EXIF orientations 5–8 turn the picture a quarter: the upright width is the stored height.
  const turned = (meta.orientation ?? 1) >= 5;
  const width = turned ? meta.height : meta.width;
  const height = turned ? meta.width : meta.height;
  // Never enlarged: the widths it covers, and its own width too when it falls short of the widest.
  const targets = widths.filter((w) => w <= width);
  if (width < Math.max(...widths) && !targets.includes(width)) targets.push(width);
  let renditions: Rendition[];
  try {
    // Decoded once, upright, at the widest size wanted; every width is made from those pixels.
    const widest = await sharp(original, options)
      .rotate()
      .resize({ width: Math.max(...targets), withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: widest.info.width, height: widest.info.height, channels: widest.info.channels } };
    renditions = await Promise.all(
      targets
        .sort((a, b) => a - b)
        .map(async (w) => {
          const { data, info } = await sharp(widest.data, raw)
            .resize({ width: w })
            .webp({ quality: 80 })
            .toBuffer({ resolveWithObject: true });
          return { width: info.width, height: info.height, body: data };
        }),
    );
  } catch {
    // A header that reads but a body that does not decode (a truncated or corrupt file).
    throw new DomainError('media.unsupported_image', {});
  }
  return { width, height, sha256: createHash('sha256').update(original).digest('hex'), renditions };
}
