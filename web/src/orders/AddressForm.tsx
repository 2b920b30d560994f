import { useState, type FormEvent, type ReactNode } from 'react';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, TextField, fieldError } from '../shared/ui';
import type { Address } from '../shared/api/types';

const blank: Address = { postalCode: '', prefecture: '', city: '', line1: '', line2: '', name: '', phone: '' };

/**
 * A Japanese address (〒, 都道府県, 市区町村, 番地, 建物, name, phone) with the server's field errors under
 * each field. `children` sits above the save button (delivery puts the pin picker there).
 */
export function AddressForm({
  initial,
  error,
  busy,
  onSave,
  children,
}: {
  initial: Address | null | undefined;
  error: unknown;
  busy: boolean;
  onSave: (a: Address) => void;
  children?: ReactNode;
}) {
  const t = useT();
  const [a, setA] = useState<Address>(initial ?? blank);
  const field = (k: keyof Address, required = true) => ({
    value: String(a[k] ?? ''),
    required,
    onChange: (e: { target: { value: string } }) => setA({ ...a, [k]: e.target.value }),
    error: fieldError(error, `address.${k}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({ ...a, line2: a.line2 || undefined });
  };
  return (
    <form className="stack" onSubmit={submit}>
      <ProblemBanner error={error} />
      <TextField
        label={t('cart.address.postalCode')}
        inputMode="numeric"
        autoComplete="postal-code"
        placeholder="150-0041"
        {...field('postalCode')}
      />
      <TextField
        label={t('cart.address.prefecture')}
        autoComplete="address-level1"
        placeholder="東京都"
        {...field('prefecture')}
      />
      <TextField label={t('cart.address.city')} autoComplete="address-level2" {...field('city')} />
      <TextField label={t('cart.address.line1')} autoComplete="address-line1" {...field('line1')} />
      <TextField label={t('cart.address.line2')} autoComplete="address-line2" {...field('line2', false)} />
      <TextField label={t('cart.address.name')} autoComplete="name" {...field('name')} />
      <TextField label={t('cart.address.phone')} type="tel" autoComplete="tel" {...field('phone')} />
      {children}
      <Button type="submit" busy={busy}>
        {t('cart.address.save')}
      </Button>
    </form>
  );
}
