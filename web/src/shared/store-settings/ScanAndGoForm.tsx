import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useT } from '../i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../ui';

/**
 * スキャン＆ゴー at this store (店舗設定): on or off, the most one basket may come to, and the share of exit passes
 * picked for 「商品を確認してください」. Its manager and head office change it; the store's staff read it.
 */
export function ScanAndGoForm({ locationId, canEdit }: { locationId: string; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const queryKey = ['scan-and-go-settings', locationId];
  const settings = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/locations/{id}/scan-and-go', { params: { path: { id: locationId } } })),
  });
  const [form, setForm] = useState({ enabled: false, basketCap: '', checkPercent: '' });
  useEffect(() => {
    if (settings.data)
      setForm({
        enabled: settings.data.enabled,
        basketCap: String(settings.data.basketCap),
        checkPercent: String(settings.data.checkPercent),
      });
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/locations/{id}/scan-and-go', {
          params: { path: { id: locationId } },
          body: {
            enabled: form.enabled,
            basketCap: Number(form.basketCap),
            checkPercent: Number(form.checkPercent),
          },
        }),
      ),
    onSuccess: (s) => qc.setQueryData(queryKey, s),
  });
  const change = (patch: Partial<typeof form>) => {
    save.reset();
    setForm((f) => ({ ...f, ...patch }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} data-testid="scan-and-go-form">
      <h2>{t('scanGoSettings.title')}</h2>
      <p className="muted small">{t('scanGoSettings.intro')}</p>
      <ProblemBanner error={settings.error} />
      <fieldset className="stack plain-fieldset" disabled={!canEdit || !settings.data}>
        <label className="check">
          <input type="checkbox" checked={form.enabled} onChange={(e) => change({ enabled: e.target.checked })} />{' '}
          {t('scanGoSettings.enabled')}
        </label>
        <div className="hq-form">
          <TextField
            label={t('scanGoSettings.cap')}
            type="number"
            inputMode="numeric"
            min={1}
            required
            value={form.basketCap}
            onChange={(e) => change({ basketCap: e.target.value })}
            error={fieldError(save.error, 'basketCap')}
          />
          <TextField
            label={t('scanGoSettings.checkPercent')}
            hint={t('scanGoSettings.checkHint')}
            type="number"
            inputMode="numeric"
            min={0}
            max={100}
            required
            value={form.checkPercent}
            onChange={(e) => change({ checkPercent: e.target.value })}
            error={fieldError(save.error, 'checkPercent')}
          />
        </div>
      </fieldset>
      <ProblemBanner error={save.error} />
      {save.isSuccess && <SuccessBanner>{t('scanGoSettings.saved')}</SuccessBanner>}
      {canEdit && (
        <div className="row-actions">
          <Button type="submit" variant="primary" busy={save.isPending}>
            {t('scanGoSettings.save')}
          </Button>
        </div>
      )}
    </form>
  );
}
