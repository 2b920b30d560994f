import type { Consent, ConsentChange, Consents } from '../api/types';
import { formatDateTime } from '../format';
import { isMessageKey, useLang, useT } from '../i18n';

/** The channels a message reaches her by; 位置情報 (location) is a consent of its own, shown apart. */
export const consentChannels = ['email', 'push', 'line', 'sms'] as const;
export const consentPurposes = ['marketing', 'personalisation'] as const;
const key = (c: Pick<Consent, 'channel' | 'purpose'>) => `${c.channel}:${c.purpose}`;

/**
 * What reaches her by each channel whatever she switches: order notices (received, ready to collect, cancelled)
 * are transactional — e-mail, LINE once linked, and the in-app inbox; push and SMS carry none.
 */
const orderNotices: Record<(typeof consentChannels)[number], boolean> = {
  email: true,
  push: false,
  line: true,
  sms: false,
};

/**
 * The shopper's switches: one group per channel (メール, プッシュ通知, LINE, SMS), a switch per purpose, and a
 * plain line saying what that channel brings her anyway (order notices); then the in-app inbox, which always
 * has everything, and 位置情報 — narrow enough for any phone.
 */
export function ConsentSwitches({
  values,
  onChange,
}: {
  values: ConsentChange[];
  onChange: (change: ConsentChange) => void;
}) {
  const t = useT();
  const granted = new Map(values.map((v) => [key(v), v.granted]));
  return (
    <>
      {consentChannels.map((channel) => (
        <fieldset key={channel} className="consent-group" data-channel={channel}>
          <legend>{t(`consent.channel.${channel}`)}</legend>
          <p className="consent-row consent-always muted small">
            {t(orderNotices[channel] ? 'consent.orderNoticesAlways' : 'consent.orderNoticesNone')}
          </p>
          {consentPurposes.map((purpose) => {
            const on = granted.get(key({ channel, purpose })) ?? false;
            return (
              <label key={purpose} className="consent-row">
                <span>{t(`consent.purpose.${purpose}`)}</span>
                <span className="switch">
                  <input
                    type="checkbox"
                    role="switch"
                    checked={on}
                    aria-label={`${t(`consent.channel.${channel}`)} · ${t(`consent.purpose.${purpose}`)}`}
                    data-consent={key({ channel, purpose })}
                    onChange={(e) => onChange({ channel, purpose, granted: e.target.checked })}
                  />
                  <span className="switch-track" aria-hidden="true" />
                </span>
              </label>
            );
          })}
        </fieldset>
      ))}
      <section className="consent-group consent-inbox" aria-labelledby="consent-inbox-title">
        <h2 id="consent-inbox-title" className="consent-group-title">
          {t('consent.channel.inbox')}
        </h2>
        <p className="muted small">{t('consent.inboxAlways')}</p>
      </section>
      <fieldset className="consent-group">
        <legend>{t('consent.channel.location')}</legend>
        <label className="consent-row">
          <span>{t('consent.locationUse')}</span>
          <span className="switch">
            <input
              type="checkbox"
              role="switch"
              checked={granted.get('location:marketing') ?? false}
              aria-label={t('consent.channel.location')}
              data-consent="location:marketing"
              onChange={(e) => onChange({ channel: 'location', purpose: 'marketing', granted: e.target.checked })}
            />
            <span className="switch-track" aria-hidden="true" />
          </span>
        </label>
        <p className="muted small">{t('consent.locationHint')}</p>
      </fieldset>
    </>
  );
}

/** Channel × purpose as a read-only table (head office). */
export function ConsentGrid({ values }: { values: ConsentChange[] }) {
  const t = useT();
  const granted = new Map(values.map((v) => [key(v), v.granted]));
  return (
    <div className="table-wrap">
      <table className="table consent-grid">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">{t('hq.profile.consents')}</span>
            </th>
            {consentPurposes.map((p) => (
              <th key={p} scope="col" className="align-center">
                {t(`consent.purpose.${p}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {consentChannels.map((channel) => (
            <tr key={channel}>
              <th scope="row">{t(`consent.channel.${channel}`)}</th>
              {consentPurposes.map((purpose) => {
                const on = granted.get(key({ channel, purpose })) ?? false;
                return (
                  <td key={purpose} className="align-center">
                    <span
                      className={on ? 'consent-yes' : 'consent-no'}
                      data-consent={key({ channel, purpose })}
                      data-granted={String(on)}
                    >
                      {on ? t('hq.profile.consentYes') : t('hq.profile.consentNo')}
                    </span>
                  </td>
                );
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('consent.channel.location')}</th>
            {consentPurposes.map((purpose) => {
              const on = purpose === 'marketing' && (granted.get('location:marketing') ?? false);
              return (
                <td key={purpose} className="align-center">
                  {purpose === 'marketing' ? (
                    <span
                      className={on ? 'consent-yes' : 'consent-no'}
                      data-consent="location:marketing"
                      data-granted={String(on)}
                    >
                      {on ? t('hq.profile.consentYes') : t('hq.profile.consentNo')}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** Who changed which consent when: the record APPI asks us to keep. */
export function ConsentHistory({ history }: { history: Consents['history'] }) {
  const t = useT();
  const lang = useLang();
  const word = (key: string, fallback: string) => (isMessageKey(key) ? t(key) : fallback);
  if (!history.length) return <p className="muted">{t('account.consents.noHistory')}</p>;
  return (
    <ul className="plain-list consent-history">
      {history.map((h, i) => (
        <li key={`${h.at}:${i}`}>
          <span className="muted">{formatDateTime(h.at, lang)}</span>{' '}
          {t('consent.changed', {
            channel: word(`consent.channel.${h.channel}`, h.channel),
            purpose: word(`consent.purpose.${h.purpose}`, h.purpose),
            state: h.granted ? t('consent.on') : t('consent.off'),
          })}{' '}
          <span className="muted">
            ({h.actor.startsWith('customer:') ? t('consent.byCustomer') : t('consent.byStaff')})
          </span>
        </li>
      ))}
    </ul>
  );
}
