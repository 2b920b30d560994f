import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { Product } from '../../shared/api/types';
import { useT } from '../../shared/i18n';
import { Link } from '../../shared/router';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField } from '../../shared/ui';

type Image = Product['images'][number];

const ACCEPT = 'image/jpeg,image/png,image/webp';

/** Read a chosen file as base64 (without the data: prefix), for POST /api/products/{id}/images. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** Every option value of the product's variants, as a picture may be tied to one (カラー: ネイビー). */
function optionValues(product: Product): string[] {
  const values: string[] = [];
  for (const v of product.variants)
    for (const [name, value] of Object.entries(v.options))
      if (/カラー|色|colou?r/i.test(name) && !values.includes(value)) values.push(value);
  return values;
}

/**
 * /hq/products/:id — 商品画像: the product's pictures in gallery order; add several at once (for every
 * colour or one), write their alt text, move them, remove them. The server checks and resizes each.
 */
export function ProductImagesScreen({ id }: { id: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const product = useQuery({
    queryKey: ['product', id],
    queryFn: () => call(api.GET('/api/products/{id}', { params: { path: { id } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['product', id] });
  const [colour, setColour] = useState('');
  const [alt, setAlt] = useState('');
  const upload = useMutation({
    mutationFn: async (files: File[]) => {
      for (const file of files)
        await call(
          api.POST('/api/products/{id}/images', {
            params: { path: { id } },
            body: { content: await readBase64(file), alt: alt.trim(), colour: colour || null },
          }),
        );
      return files.length;
    },
    onSettled: () => void refresh(),
  });
  const reorder = useMutation({
    mutationFn: (ids: string[]) =>
      call(api.PUT('/api/products/{id}/images/order', { params: { path: { id } }, body: { ids } })),
    // The answer is the new order: shown at once, so a second ← acts on what is on screen.
    onSuccess: (answer) =>
      queryClient.setQueryData(['product', id], (old: typeof product.data) =>
        old ? { ...old, images: answer.items } : old,
      ),
    onSettled: () => void refresh(),
  });

  if (product.isPending) return <main className="page">{t('common.loading')}</main>;
  if (product.isError) return <ProblemBanner error={product.error} />;
  const p = product.data;
  const colours = optionValues(p);
  const move = (from: number, to: number) => {
    const ids = p.images.map((i) => i.id);
    const [moved] = ids.splice(from, 1);
    ids.splice(to, 0, moved!);
    reorder.mutate(ids);
  };

  return (
    <main className="page stack">
      <Link href="/hq/products">← {t('images.hq.products')}</Link>
      <h1>{t('images.hq.title', { name: p.name })}</h1>
      <section className="card stack" aria-labelledby="add-pictures">
        <h2 id="add-pictures">{t('images.hq.add')}</h2>
        <p className="muted small">{t('images.hq.hint')}</p>
        <div className="picture-fields">
          {colours.length > 0 && (
            <SelectField label={t('images.hq.colour')} value={colour} onChange={(e) => setColour(e.target.value)}>
              <option value="">{t('images.hq.allColours')}</option>
              {colours.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
          )}
          <TextField label={t('images.hq.alt')} value={alt} maxLength={300} onChange={(e) => setAlt(e.target.value)} />
        </div>
        <label className="btn btn-primary btn-md">
          {upload.isPending ? t('images.hq.uploading') : t('images.hq.choose')}
          <input
            type="file"
            accept={ACCEPT}
            multiple
            className="visually-hidden"
            disabled={upload.isPending}
            onChange={(e) => {
              const files = [...(e.target.files ?? [])];
              e.target.value = '';
              if (files.length) upload.mutate(files);
            }}
          />
        </label>
        <ProblemBanner error={upload.error} />
        {upload.isSuccess && <SuccessBanner>{t('images.hq.added', { n: upload.data })}</SuccessBanner>}
      </section>

      <ProblemBanner error={reorder.error} />
      {p.images.length === 0 ? (
        <p className="muted">{t('images.hq.none')}</p>
      ) : (
        <ol className="picture-grid">
          {p.images.map((image, i) => (
            <PictureCard
              key={image.id}
              image={image}
              index={i}
              count={p.images.length}
              colours={colours}
              busy={reorder.isPending || product.isFetching}
              onMove={move}
              onChanged={() => void refresh()}
            />
          ))}
        </ol>
      )}
    </main>
  );
}

function PictureCard({
  image,
  index,
  count,
  colours,
  busy,
  onMove,
  onChanged,
}: {
  image: Image;
  index: number;
  count: number;
  colours: string[];
  busy: boolean;
  onMove: (from: number, to: number) => void;
  onChanged: () => void;
}) {
  const t = useT();
  const [alt, setAlt] = useState(image.alt);
  const [colour, setColour] = useState(image.colour ?? '');
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/product-images/{id}', {
          params: { path: { id: image.id } },
          body: { alt: alt.trim(), colour: colour || null },
        }),
      ),
    onSuccess: onChanged,
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/product-images/{id}', { params: { path: { id: image.id } } })),
    onSuccess: onChanged,
  });
  const changed = alt.trim() !== image.alt || (colour || null) !== image.colour;
  return (
    <li className="card picture-card stack" data-testid="picture">
      <img
        src={image.src}
        srcSet={image.srcset}
        sizes="200px"
        width={image.width}
        height={image.height}
        alt=""
        loading="lazy"
      />
      <p className="muted small">{index === 0 ? t('images.hq.main') : t('images.hq.position', { n: index + 1 })}</p>
      <TextField label={t('images.hq.alt')} value={alt} maxLength={300} onChange={(e) => setAlt(e.target.value)} />
      {colours.length > 0 && (
        <SelectField label={t('images.hq.colour')} value={colour} onChange={(e) => setColour(e.target.value)}>
          <option value="">{t('images.hq.allColours')}</option>
          {colours.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </SelectField>
      )}
      <ProblemBanner error={save.error ?? remove.error} />
      <div className="picture-actions">
        <Button onClick={() => save.mutate()} disabled={!changed} busy={save.isPending}>
          {t('images.hq.save')}
        </Button>
        <Button
          variant="ghost"
          onClick={() => onMove(index, index - 1)}
          disabled={index === 0 || busy}
          aria-label={t('images.hq.earlier', { n: index + 1 })}
        >
          ←
        </Button>
        <Button
          variant="ghost"
          onClick={() => onMove(index, index + 1)}
          disabled={index === count - 1 || busy}
          aria-label={t('images.hq.later', { n: index + 1 })}
        >
          →
        </Button>
        <Button
          variant="danger"
          onClick={() => {
            if (window.confirm(t('images.hq.confirmDelete'))) remove.mutate();
          }}
          busy={remove.isPending}
        >
          {t('images.hq.delete')}
        </Button>
      </div>
    </li>
  );
}
