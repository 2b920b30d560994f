import { useState, type FormEvent } from 'react';
import { useT } from '../../i18n';
import type { CampaignDetail } from '../../api/types';
import { Button, fieldError, ProblemBanner, TextAreaField, TextField } from '../../ui';
import { useUpdateCampaign } from './useCampaigns';

/**
 * お知らせ（自動）: HQ changes the words and the hours while it runs (it is never switched off). The link is
 * her order's page and there is no holdout, so neither is offered.
 */
export function ServiceTriggerEdit({ c, onDone }: { c: CampaignDetail; onDone: () => void }) {
  const t = useT();
  const tr = c.trigger;
  const [f, setF] = useState({
    title: c.title,
    body: c.body,
    withinHours: String(tr?.kind === 'hold_expiring' ? tr.withinHours : 6),
    afterHours: String(tr?.kind === 'pickup_waiting' ? tr.afterHours : 24),
    lastCallHours: String(tr?.kind === 'pickup_waiting' ? tr.lastCallHours : 24),
  });
  const save = useUpdateCampaign(onDone);
  if (!tr || (tr.kind !== 'hold_expiring' && tr.kind !== 'pickup_waiting')) return null;
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (field: string) => fieldError(save.error, field);
  const labels = {
    title: t('hq.campaigns.messageTitle'),
    body: t('hq.campaigns.body'),
    'trigger.withinHours': t('hq.campaigns.withinHours'),
    'trigger.afterHours': t('hq.campaigns.afterHours'),
    'trigger.lastCallHours': t('hq.campaigns.lastCallHours'),
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({
      id: c.id,
      body: {
        title: f.title,
        body: f.body,
        trigger:
          tr.kind === 'hold_expiring'
            ? { kind: 'hold_expiring', withinHours: Number(f.withinHours) }
            : { kind: 'pickup_waiting', afterHours: Number(f.afterHours), lastCallHours: Number(f.lastCallHours) },
      },
    });
  };
  const hours = (key: 'withinHours' | 'afterHours' | 'lastCallHours', max: number) => (
    <TextField
      label={labels[`trigger.${key}`]}
      type="number"
      min={1}
      max={max}
      value={f[key]}
      onChange={set(key)}
      error={err(`trigger.${key}`)}
    />
  );
  return (
    <form className="campaign-form" onSubmit={submit} aria-label={t('hq.campaigns.edit')}>
      {tr.kind === 'hold_expiring' ? (
        hours('withinHours', 48)
      ) : (
        <>
          {hours('afterHours', 168)}
          {hours('lastCallHours', 72)}
        </>
      )}
      <TextField
        label={labels.title}
        value={f.title}
        onChange={set('title')}
        required
        maxLength={100}
        hint={t('hq.campaigns.variables', { vars: '{{number}} {{store}} {{deadline}}' })}
        error={err('title')}
      />
      <TextAreaField
        label={labels.body}
        value={f.body}
        onChange={set('body')}
        required
        maxLength={1000}
        rows={4}
        error={err('body')}
      />
      <ProblemBanner error={save.error} labels={labels} />
      <div className="actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('hq.campaigns.save')}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t('hq.campaigns.cancelEdit')}
        </Button>
      </div>
    </form>
  );
}
