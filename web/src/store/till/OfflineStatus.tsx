import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button } from '../../shared/ui';
import type { TillOfflinePack } from '../../shared/api/types';
import type { SyncState } from './offline-sync';

/**
 * The till's link at a glance: オフライン (what still works), the age of the offline data, sales waiting to be
 * sent and the sending's progress, and any sale the server refused (kept for the manager).
 */
export function OfflineStatus({ sync, pack }: { sync: SyncState; pack: TillOfflinePack | null }) {
  const t = useT();
  const lang = useLang();
  const minutes = pack ? Math.max(0, Math.round((Date.now() - Date.parse(pack.generatedAt)) / 60_000)) : null;
  return (
    <div
      className="till-status"
      data-testid="till-status"
      data-online={String(sync.online)}
      data-pending={sync.pending}
    >
      {!sync.online && (
        <p className="banner banner-warn" role="status" data-testid="till-offline">
          <strong>{t('till.offline.title')}</strong> {t('till.offline.lead')}
        </p>
      )}
      <p className="small muted">
        {pack && minutes !== null ? (
          <span data-testid="till-pack-age">
            {t('till.offline.packAge', { at: formatDateTime(pack.generatedAt, lang), minutes })}
          </span>
        ) : (
          <span>{t('till.offline.noPackYet')}</span>
        )}
        {sync.pending > 0 && (
          <>
            {' · '}
            <strong data-testid="till-pending">{t('till.offline.pending', { n: sync.pending })}</strong>
          </>
        )}
        {sync.sending && (
          <>
            {' · '}
            <span data-testid="till-sending">
              {t('till.offline.sending', { done: sync.sending.done, of: sync.sending.of })}
            </span>
          </>
        )}
      </p>
      {sync.refused > 0 && (
        <p className="banner banner-error" data-testid="till-refused">
          {t('till.offline.refused', { n: sync.refused })}
        </p>
      )}
    </div>
  );
}

/** Offline, the member field takes her member number only (her app's QR needs the server). */
export function OfflineMemberPane({
  number,
  onNumber,
  onClear,
}: {
  number: string | null;
  onNumber: (raw: string) => boolean;
  onClear: () => void;
}) {
  const t = useT();
  if (number)
    return (
      <section className="card till-member" data-testid="till-offline-member">
        <p>
          {t('till.member.number')} <span className="mono">{number}</span>
        </p>
        <p className="small muted">{t('till.offline.memberLater')}</p>
        <Button variant="ghost" onClick={onClear}>
          {t('till.member.clear')}
        </Button>
      </section>
    );
  return (
    <form
      className="till-coupon"
      onSubmit={(e) => {
        e.preventDefault();
        const input = (e.currentTarget.elements.namedItem('member') as HTMLInputElement | null) ?? null;
        if (input && onNumber(input.value)) input.value = '';
        else input?.setCustomValidity(t('till.offline.memberNumberOnly'));
        input?.reportValidity();
      }}
    >
      <label htmlFor="till-offline-member">{t('till.memberLabel')}</label>
      <div className="scan-row">
        <input
          id="till-offline-member"
          name="member"
          inputMode="numeric"
          autoComplete="off"
          placeholder={t('till.offline.memberPlaceholder')}
          onChange={(e) => e.currentTarget.setCustomValidity('')}
        />
        <Button type="submit">{t('till.memberSubmit')}</Button>
      </div>
      <p className="small muted">{t('till.offline.memberHint')}</p>
    </form>
  );
}
