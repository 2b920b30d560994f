import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Address, SavedAddress } from '../shared/api/types';
import { AddressForm } from '../shared/customer/AddressForm';
import { toAddress, useAddressBook } from '../shared/customer/addresses';
import { formatAddress } from '../shared/format';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner, TextField } from '../shared/ui';
import { AccountPage } from './AccountPage';

type Editing = { id: string | null; label: string } | null;

/**
 * /account/addresses — お届け先: her address book. The usual one (いつものお届け先) is what checkout fills in;
 * the others are a pick away there. Ten at most.
 */
export function AddressesScreen() {
  const t = useT();
  const qc = useQueryClient();
  const book = useAddressBook();
  const [editing, setEditing] = useState<Editing>(null);
  const done = (d: { items: SavedAddress[] }) => {
    qc.setQueryData(['account', 'addresses'], d);
    setEditing(null);
  };
  const body = (a: Address, label: string, isDefault?: boolean) => ({
    label,
    postalCode: a.postalCode,
    prefecture: a.prefecture,
    city: a.city,
    line1: a.line1,
    line2: a.line2 || undefined,
    name: a.name,
    phone: a.phone,
    ...(isDefault ? { isDefault } : {}),
  });
  const save = useMutation({
    mutationFn: ({ a, id, label }: { a: Address; id: string | null; label: string }) =>
      id
        ? call(api.PUT('/api/account/addresses/{id}', { params: { path: { id } }, body: body(a, label) }))
        : call(api.POST('/api/account/addresses', { body: body(a, label) })),
    onSuccess: done,
  });
  const makeDefault = useMutation({
    mutationFn: (s: SavedAddress) =>
      call(
        api.PUT('/api/account/addresses/{id}', {
          params: { path: { id: s.id } },
          body: body(toAddress(s), s.label, true),
        }),
      ),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/account/addresses/{id}', { params: { path: { id } } })),
    onSuccess: done,
  });
  const items = book.data ?? [];
  const editedOne = editing?.id ? items.find((s) => s.id === editing.id) : null;

  return (
    <AccountPage title={t('addresses.title')}>
      <p className="muted small">{t('addresses.lead')}</p>
      <ProblemBanner error={book.error ?? makeDefault.error ?? remove.error} />
      {book.isPending && <p className="muted">{t('common.loading')}</p>}
      {book.data && items.length === 0 && !editing && <p className="muted">{t('addresses.none')}</p>}
      <ul className="plain-list stack" data-testid="address-book">
        {items.map((s) => {
          const name = s.label || s.name;
          return (
            <li key={s.id} className="card stack address-card" data-default={String(s.isDefault)}>
              <p className="address-card-head">
                <strong>{name}</strong>
                {s.isDefault && <span className="status small">{t('addresses.default')}</span>}
              </p>
              <p className="small">{formatAddress(toAddress(s))}</p>
              <div className="address-actions">
                {!s.isDefault && (
                  <Button variant="ghost" busy={makeDefault.isPending} onClick={() => makeDefault.mutate(s)}>
                    {t('addresses.makeDefault')}
                  </Button>
                )}
                <Button
                  variant="ghost"
                  aria-label={t('addresses.editNamed', { label: name })}
                  onClick={() => setEditing({ id: s.id, label: s.label })}
                >
                  {t('addresses.edit')}
                </Button>
                <Button
                  variant="ghost"
                  aria-label={t('addresses.removeNamed', { label: name })}
                  busy={remove.isPending}
                  onClick={() => remove.mutate(s.id)}
                >
                  {t('addresses.remove')}
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      {editing ? (
        <section className="card stack" aria-labelledby="address-edit-title">
          <h2 id="address-edit-title">{editing.id ? t('addresses.edit') : t('addresses.add')}</h2>
          <TextField
            label={t('addresses.label')}
            value={editing.label}
            maxLength={20}
            onChange={(e) => setEditing({ ...editing, label: e.target.value })}
          />
          <AddressForm
            key={editing.id ?? 'new'}
            book={false}
            initial={editedOne ? toAddress(editedOne) : null}
            error={save.error}
            busy={save.isPending}
            saveLabel={editing.id ? t('addresses.saveEdit') : t('addresses.saveNew')}
            onSave={(a) => save.mutate({ a, id: editing.id, label: editing.label })}
          />
          <Button variant="ghost" onClick={() => setEditing(null)}>
            {t('addresses.cancel')}
          </Button>
        </section>
      ) : items.length < 10 ? (
        <Button variant="primary" size="lg" onClick={() => setEditing({ id: null, label: '' })}>
          {t('addresses.add')}
        </Button>
      ) : (
        <p className="muted small">{t('addresses.full')}</p>
      )}
    </AccountPage>
  );
}
