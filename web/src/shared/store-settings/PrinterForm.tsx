import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useT } from '../i18n';
import { Button, fieldError, ProblemBanner, SuccessBanner, TextField } from '../ui';
import { useFieldLabels } from './field-labels';

interface Form {
  host: string;
  port: string;
  enabled: boolean;
  drawerKick: boolean;
  autoPrint: boolean;
}
const EMPTY: Form = { host: '', port: '9100', enabled: true, drawerKick: true, autoPrint: false };

/**
 * レシートプリンター: the store's ESC/POS printer (host, port, drawer kick, automatic print) and
 * 「テスト印刷」, which prints a short slip with the saved settings. The store's staff read it; its manager
 * and head office change it.
 */
export function PrinterForm({ locationId, canEdit }: { locationId: string; canEdit: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const labels = useFieldLabels();
  const queryKey = ['receipt-printer', locationId];
  const printer = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/locations/{id}/receipt-printer', { params: { path: { id: locationId } } })),
  });
  const saved = printer.data?.printer ?? null;
  const [form, setForm] = useState<Form>(EMPTY);
  useEffect(() => {
    if (printer.data)
      setForm(
        saved
          ? {
              host: saved.host,
              port: String(saved.port),
              enabled: saved.enabled,
              drawerKick: saved.drawerKick,
              autoPrint: saved.autoPrint,
            }
          : EMPTY,
      );
  }, [printer.data, saved]);
  const save = useMutation({
    mutationFn: () => {
      const port = Number(form.port.normalize('NFKC'));
      return call(
        api.PUT('/api/locations/{id}/receipt-printer', {
          params: { path: { id: locationId } },
          body: {
            host: form.host.normalize('NFKC').trim(),
            port: form.port.trim() === '' ? 9100 : port,
            enabled: form.enabled,
            drawerKick: form.drawerKick,
            autoPrint: form.autoPrint,
          },
        }),
      );
    },
    onSuccess: (p) => qc.setQueryData(queryKey, { printer: p }),
  });
  const test = useMutation({
    mutationFn: () =>
      call(api.POST('/api/locations/{id}/receipt-printer/test', { params: { path: { id: locationId } } })),
  });
  const change = (patch: Partial<Form>) => {
    save.reset();
    test.reset();
    setForm((f) => ({ ...f, ...patch }));
  };
  const check = (key: 'enabled' | 'drawerKick' | 'autoPrint') => (
    <label className="check">
      <input type="checkbox" checked={form[key]} onChange={(e) => change({ [key]: e.target.checked })} />{' '}
      {t(`printer.${key}`)}
    </label>
  );
  const dirty =
    !saved ||
    form.host !== saved.host ||
    form.port !== String(saved.port) ||
    form.enabled !== saved.enabled ||
    form.drawerKick !== saved.drawerKick ||
    form.autoPrint !== saved.autoPrint;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form className="card stack" onSubmit={submit} data-testid="printer-form">
      <h2>{t('printer.title')}</h2>
      <p className="muted small">{t('printer.intro')}</p>
      <ProblemBanner error={printer.error} />
      {printer.data && !saved && <p className="banner banner-info">{t('printer.none')}</p>}
      <fieldset className="stack plain-fieldset" disabled={!canEdit || !printer.data}>
        <div className="hq-form">
          <TextField
            label={t('printer.host')}
            required
            maxLength={253}
            autoComplete="off"
            inputMode="url"
            placeholder="192.168.1.50"
            value={form.host}
            onChange={(e) => change({ host: e.target.value })}
            error={fieldError(save.error, 'host')}
          />
          <TextField
            label={t('printer.port')}
            hint={t('printer.portHint')}
            inputMode="numeric"
            value={form.port}
            onChange={(e) => change({ port: e.target.value })}
            error={fieldError(save.error, 'port')}
          />
        </div>
        <div className="check-column">
          {check('enabled')}
          {check('drawerKick')}
          {check('autoPrint')}
        </div>
      </fieldset>
      <ProblemBanner error={save.error ?? test.error} labels={labels} />
      {save.isSuccess && <SuccessBanner>{t('printer.saved')}</SuccessBanner>}
      {test.isSuccess && <SuccessBanner>{t('printer.tested')}</SuccessBanner>}
      {canEdit && (
        <div className="row-actions">
          <Button
            onClick={() => test.mutate()}
            busy={test.isPending}
            disabled={!saved || dirty}
            title={t('printer.testHint')}
          >
            {t('printer.test')}
          </Button>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
            {t('printer.save')}
          </Button>
        </div>
      )}
    </form>
  );
}
