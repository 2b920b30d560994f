import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useT } from '../i18n';
import { Button, ProblemBanner, SelectField, TextField, fieldError } from '../ui';
import type { Address } from '../api/types';
import { isSaved, toAddress, useAddressBook, useSaveAddress } from './addresses';
import { useCustomerSession } from './session';

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
  book: withBook = true,
  saveLabel,
}: {
  initial: Address | null | undefined;
  error: unknown;
  busy: boolean;
  onSave: (a: Address) => void;
  children?: ReactNode;
  /** Checkout's form: a member picks from her お届け先 and may keep a new address there. Off in the book itself. */
  book?: boolean;
  saveLabel?: string;
}) {
  const t = useT();
  const [a, setA] = useState<Address>(initial ?? blank);
  const member = !!useCustomerSession() && withBook;
  const book = useAddressBook();
  const saveToBook = useSaveAddress();
  const [keep, setKeep] = useState(true);
  // A member with no address chosen yet starts from her default お届け先 (once her book has loaded).
  useEffect(() => {
    const preferred = book.data?.[0];
    if (!initial && preferred) setA((cur) => (cur === blank ? toAddress(preferred) : cur));
  }, [book.data, initial]);
  const offerToKeep = member && !!book.data && book.data.length < 10 && !isSaved(book.data, a);
  const field = (k: keyof Address, required = true) => ({
    value: String(a[k] ?? ''),
    required,
    onChange: (e: { target: { value: string } }) => setA({ ...a, [k]: e.target.value }),
    error: fieldError(error, `address.${k}`),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const address = { ...a, line2: a.line2 || undefined };
    onSave(address);
    // Kept in her book for next time (her first becomes the default); the cart does not wait for it.
    if (offerToKeep && keep) {
      const { lat: _lat, lng: _lng, ...fields } = address;
      saveToBook.mutate(fields);
    }
  };
  return (
    <form className="stack" onSubmit={submit}>
      <ProblemBanner error={error} />
      {member && book.data && book.data.length > 0 && (
        <SelectField
          label={t('addresses.pick')}
          value={book.data.find((s) => isSaved([s], a))?.id ?? ''}
          onChange={(e) => {
            const picked = book.data?.find((s) => s.id === e.target.value);
            if (picked) setA({ ...toAddress(picked), lat: a.lat, lng: a.lng });
          }}
          data-testid="address-book-pick"
        >
          <option value="">{t('addresses.pickNone')}</option>
          {book.data.map((s) => (
            <option key={s.id} value={s.id}>
              {[s.label, `〒${s.postalCode} ${s.prefecture}${s.city}${s.line1}`, s.name].filter(Boolean).join(' · ')}
            </option>
          ))}
        </SelectField>
      )}
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
      {offerToKeep && (
        <label className="check-row">
          <input type="checkbox" checked={keep} onChange={(e) => setKeep(e.target.checked)} />
          <span>{t('addresses.keep')}</span>
        </label>
      )}
      <Button type="submit" busy={busy}>
        {saveLabel ?? t('cart.address.save')}
      </Button>
    </form>
  );
}
