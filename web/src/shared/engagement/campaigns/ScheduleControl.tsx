import { useState } from 'react';
import { useLang, useT, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../format';
import { Button, ProblemBanner, TextField } from '../../ui';
import { tokyo } from '../../format';
import { useSchedule } from './useCampaigns';

/** Why a scheduled sending stopped, from its problem code: the usual ones by name, the rest in general. */
const reasonKey = (code: string): MessageKey =>
  code === 'coupon.not_issuable' || code === 'coupon.not_found'
    ? 'hq.campaigns.scheduleFailed.offer'
    : code === 'engagement.segment_not_found'
      ? 'hq.campaigns.scheduleFailed.segment'
      : 'hq.campaigns.scheduleFailed.other';

/** 予約配信: set a draft to be sent at a Tokyo time, or cancel that; shows why a scheduled sending stopped. */
export function ScheduleControl({
  c,
}: {
  c: { id: string; scheduledAt: string | null; scheduleError: string | null };
}) {
  const t = useT();
  const lang = useLang();
  const schedule = useSchedule();
  const [local, setLocal] = useState('');
  return (
    <div className="campaign-schedule">
      {c.scheduleError && (
        <p className="muted" role="status">
          {t('hq.campaigns.scheduleFailed', { reason: t(reasonKey(c.scheduleError)) })}
        </p>
      )}
      {c.scheduledAt ? (
        <div className="actions">
          <span>{t('hq.campaigns.scheduledFor', { at: formatDateTime(c.scheduledAt, lang) })}</span>
          <Button variant="ghost" busy={schedule.isPending} onClick={() => schedule.mutate({ id: c.id, at: null })}>
            {t('hq.campaigns.unschedule')}
          </Button>
        </div>
      ) : (
        <form
          className="actions"
          onSubmit={(e) => {
            e.preventDefault();
            const at = tokyo(local);
            if (at) schedule.mutate({ id: c.id, at });
          }}
        >
          <TextField
            label={t('hq.campaigns.scheduleAt')}
            type="datetime-local"
            value={local}
            onChange={(e) => setLocal(e.target.value)}
          />
          <Button type="submit" disabled={!local} busy={schedule.isPending}>
            {t('hq.campaigns.schedule')}
          </Button>
        </form>
      )}
      <ProblemBanner error={schedule.error} />
    </div>
  );
}
