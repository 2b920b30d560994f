import { useId } from 'react';
import { useT } from '../i18n';
import { fieldError } from '../ui';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];
export type Week = Record<Day, { open: string; close: string } | null>;

/** A closed day opened again starts from these hours, which the manager then changes. */
const USUAL = { open: '10:00', close: '20:00' };

/**
 * A time as typed (full-width digits, 9:30, 930, 2130) as the server's HH:MM; anything else is left as it
 * is, for the server to name. Text rather than type="time", which shows AM/PM in a browser set to English.
 */
export function normaliseTime(typed: string): string {
  const s = typed.normalize('NFKC').trim().replace('：', ':');
  const m = /^(\d{1,2}):?(\d{2})$/.exec(s);
  return m ? `${m[1]!.padStart(2, '0')}:${m[2]}` : s;
}

/** The week with every time as HH:MM. */
export function normaliseWeek(week: Week): Week {
  return Object.fromEntries(
    DAYS.map((d) => [d, week[d] && { open: normaliseTime(week[d].open), close: normaliseTime(week[d].close) }]),
  ) as Week;
}

/** 営業時間: a row per weekday — closed (定休日), or its opening and closing time (past midnight allowed). */
export function HoursFields({
  value,
  onChange,
  error,
}: {
  value: Week;
  onChange: (week: Week) => void;
  error: unknown;
}) {
  const t = useT();
  const id = useId();
  const set = (day: Day, hours: Week[Day]) => onChange({ ...value, [day]: hours });
  return (
    <div className="hours-fields">
      <p className="muted small">{t('storeSettings.hoursHint')}</p>
      {DAYS.map((day) => {
        const hours = value[day];
        const dayLabel = t(`storeSettings.day.${day}`);
        const problem = fieldError(error, `openingHours.${day}.open`) ?? fieldError(error, `openingHours.${day}.close`);
        return (
          <div className="hours-row" key={day} data-day={day}>
            <span className="hours-day" id={`${id}-${day}`}>
              {dayLabel}
            </span>
            <label className="check">
              <input
                type="checkbox"
                checked={hours === null}
                onChange={(e) => set(day, e.target.checked ? null : USUAL)}
                aria-describedby={`${id}-${day}`}
              />{' '}
              {t('storeSettings.closed')}
            </label>
            {hours && (
              <span className="hours-times">
                <input
                  type="text"
                  inputMode="numeric"
                  placeholder="10:00"
                  maxLength={5}
                  value={hours.open}
                  required
                  aria-label={`${dayLabel} ${t('storeSettings.open')}`}
                  onChange={(e) => set(day, { ...hours, open: e.target.value })}
                />
                <span aria-hidden="true">〜</span>
                <input
                  type="text"
                  inputMode="numeric"
                  placeholder="20:00"
                  maxLength={5}
                  value={hours.close}
                  required
                  aria-label={`${dayLabel} ${t('storeSettings.close')}`}
                  onChange={(e) => set(day, { ...hours, close: e.target.value })}
                />
              </span>
            )}
            {problem && (
              <p className="field-error" role="alert">
                {problem}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
