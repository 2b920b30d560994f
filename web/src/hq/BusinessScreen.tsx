import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, fieldError, ProblemBanner, SuccessBanner, TextField } from '../shared/ui';
import type { Session } from '../shared/staff-session';

/**
 * /hq/business — 会社情報・インボイス: the business's name and invoice registration number that every receipt
 * prints (a 適格簡易請求書), with the address and phone of the online store's receipts. The owner edits
 * (`PUT /api/business`); head office sees it read-only. A wrong number gets the server's message at the field.
 */
export function BusinessScreen({ session }: { session: Session }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const isOwner = session.staff.role === 'owner';
  const business = useQuery({ queryKey: ['business'], queryFn: () => call(api.GET('/api/business')) });
  const [form, setForm] = useState({ name: '', registrationNumber: '', address: '', phone: '' });
  useEffect(() => {
    if (business.data)
      setForm({
        name: business.data.name,
        registrationNumber: business.data.registrationNumber ?? '',
        address: business.data.address,
        phone: business.data.phone,
      });
  }, [business.data]);
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/business', {
          body: { ...form, registrationNumber: form.registrationNumber.trim() || null },
        }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(['business'], saved),
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
    save.reset();
    setForm((f) => ({ ...f, [key]: e.target.value }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <main className="page narrow stack">
      <h1>{t('hq.business.title')}</h1>
      <p className="muted">{t('hq.business.intro')}</p>
      <ProblemBanner error={business.error} />
      <form className="card stack" onSubmit={submit} data-testid="business-form">
        <fieldset className="stack plain-fieldset" disabled={!isOwner || !business.data}>
          <TextField
            label={t('hq.business.name')}
            value={form.name}
            onChange={set('name')}
            required
            maxLength={100}
            error={fieldError(save.error, 'name')}
          />
          <TextField
            label={t('hq.business.registration')}
            hint={t('hq.business.registrationHint')}
            value={form.registrationNumber}
            onChange={set('registrationNumber')}
            inputMode="text"
            autoComplete="off"
            placeholder="T1234567890123"
            error={fieldError(save.error, 'registrationNumber')}
          />
          <TextField
            label={t('hq.business.address')}
            value={form.address}
            onChange={set('address')}
            maxLength={200}
            error={fieldError(save.error, 'address')}
          />
          <TextField
            label={t('hq.business.phone')}
            value={form.phone}
            onChange={set('phone')}
            inputMode="tel"
            maxLength={20}
            error={fieldError(save.error, 'phone')}
          />
        </fieldset>
        {!isOwner && <p className="muted small">{t('hq.business.ownerOnly')}</p>}
        {business.data && !business.data.registrationNumber && (
          <p className="banner banner-info">{t('hq.business.noNumber')}</p>
        )}
        <ProblemBanner error={save.error} />
        {save.isSuccess && <SuccessBanner>{t('hq.business.saved')}</SuccessBanner>}
        {isOwner && (
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!business.data}>
            {t('hq.business.save')}
          </Button>
        )}
        {business.data?.updatedAt && (
          <p className="muted small">
            {t('hq.business.updated', { at: formatDateTime(business.data.updatedAt, lang) })}
          </p>
        )}
      </form>
      <LogoCard isOwner={isOwner} logo={business.data?.logo ?? null} />
    </main>
  );
}

/** Read a chosen file as base64 (without the data: prefix), for PUT /api/business/logo. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/** レシートのロゴ: the owner uploads a PNG (the server checks its size against the printer's 576 dots) or removes it. */
function LogoCard({ isOwner, logo }: { isOwner: boolean; logo: string | null }) {
  const t = useT();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: async (file: File | null) =>
      call(api.PUT('/api/business/logo', { body: { png: file ? await readBase64(file) : null } })),
    onSuccess: (saved) => queryClient.setQueryData(['business'], saved),
  });
  return (
    <section className="card stack" data-testid="business-logo">
      <h2>{t('hq.business.logo')}</h2>
      <p className="muted small">{t('hq.business.logoHint')}</p>
      {logo ? (
        <img className="business-logo" src={logo} alt={t('hq.business.logoAlt')} />
      ) : (
        <p className="muted">{t('hq.business.logoNone')}</p>
      )}
      <ProblemBanner error={save.error} />
      {save.isSuccess && (
        <SuccessBanner>{t(save.variables ? 'hq.business.logoSaved' : 'hq.business.logoRemoved')}</SuccessBanner>
      )}
      {isOwner && (
        <div className="section-head">
          <label className="btn btn-secondary btn-md">
            {t('hq.business.logoChoose')}
            <input
              type="file"
              accept="image/png"
              className="visually-hidden"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) save.mutate(file);
              }}
            />
          </label>
          {logo && (
            <Button onClick={() => save.mutate(null)} busy={save.isPending && !save.variables}>
              {t('hq.business.logoRemove')}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}
