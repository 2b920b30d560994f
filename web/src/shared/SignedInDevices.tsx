import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Audience } from './api/client';
import type { SignedInDevice } from './api/types';
import { formatDateTime } from './format';
import { useLang, useT } from './i18n';
import { Button, ProblemBanner, SuccessBanner } from './ui';

/**
 * The same three calls for a member (/api/account/sessions) and a staff member (/api/me/sessions). A
 * member's data is cached under ['account', …], so it is dropped when the shopper changes (App).
 */
function sessionsApi(audience: Audience) {
  if (audience === 'customer')
    return {
      key: ['account', 'sessions'],
      list: () => call(api.GET('/api/account/sessions')),
      end: (id: string) => call(api.DELETE('/api/account/sessions/{id}', { params: { path: { id } } })),
      endOthers: () => call(api.DELETE('/api/account/sessions', { params: { query: { keep: 'current' } } })),
    };
  return {
    key: ['me', 'sessions'],
    list: () => call(api.GET('/api/me/sessions')),
    end: (id: string) => call(api.DELETE('/api/me/sessions/{id}', { params: { path: { id } } })),
    endOthers: () => call(api.DELETE('/api/me/sessions', { params: { query: { keep: 'current' } } })),
  };
}

/**
 * 「ログイン中の端末」: where she is signed in (the device, its last use in Japan time, 「この端末」 on the one
 * in hand), a 「ログアウト」 per other device, and 「他のすべての端末からログアウト」 (asked twice). `titled`:
 * its own heading, for a screen where it is one section among others.
 */
export function SignedInDevices({ audience, titled = true }: { audience: Audience; titled?: boolean }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const calls = sessionsApi(audience);
  const list = useQuery({ queryKey: calls.key, queryFn: calls.list });
  const [confirming, setConfirming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: calls.key });

  const end = useMutation({
    mutationFn: calls.end,
    onSuccess: () => endOthers.reset(),
    // An already ended session (404) disappears from the list either way.
    onSettled: refresh,
  });
  const endOthers = useMutation({
    mutationFn: calls.endOthers,
    onSuccess: () => {
      setConfirming(false);
      end.reset();
    },
    onSettled: refresh,
  });

  const items = list.data?.items ?? [];
  const others = items.filter((s) => !s.current);

  return (
    <section className="card stack signed-in-devices" aria-label={t('sessions.title')}>
      {titled && <h2>{t('sessions.title')}</h2>}
      <p className="muted small">{t('sessions.lead')}</p>
      <ProblemBanner error={list.error ?? end.error ?? endOthers.error} />
      {list.isPending && <p className="muted">{t('common.loading')}</p>}
      {end.isSuccess && <SuccessBanner>{t('sessions.loggedOut')}</SuccessBanner>}
      {endOthers.isSuccess && (
        <SuccessBanner>{t('sessions.loggedOutOthers', { n: endOthers.data.revoked })}</SuccessBanner>
      )}
      {items.length > 0 && (
        <ul className="device-list" data-testid="signed-in-devices">
          {items.map((s) => (
            <DeviceRow
              key={s.id}
              session={s}
              lang={lang}
              busy={end.isPending && end.variables === s.id}
              onEnd={() => end.mutate(s.id)}
            />
          ))}
        </ul>
      )}
      {list.data && others.length === 0 && <p className="muted">{t('sessions.onlyThis')}</p>}
      {others.length > 0 && (
        <div className="button-row">
          <Button
            variant={confirming ? 'danger' : 'secondary'}
            busy={endOthers.isPending}
            onClick={() => (confirming ? endOthers.mutate() : setConfirming(true))}
          >
            {confirming ? t('sessions.logoutOthersConfirm') : t('sessions.logoutOthers')}
          </Button>
          {confirming && (
            <Button variant="ghost" onClick={() => setConfirming(false)}>
              {t('sessions.keep')}
            </Button>
          )}
        </div>
      )}
    </section>
  );
}

function DeviceRow({
  session: s,
  lang,
  busy,
  onEnd,
}: {
  session: SignedInDevice;
  lang: ReturnType<typeof useLang>;
  busy: boolean;
  onEnd: () => void;
}) {
  const t = useT();
  return (
    <li className="device-row" data-current={String(s.current)}>
      <div className="device-facts">
        <p className="device-name">
          {s.device ?? t('sessions.unknownDevice')}
          {s.current && <span className="device-current">{t('sessions.thisDevice')}</span>}
        </p>
        <p className="muted small">
          {t('sessions.lastSeen', { time: formatDateTime(s.lastSeenAt, lang) })}
          {' · '}
          {t('sessions.signedIn', { time: formatDateTime(s.createdAt, lang) })}
        </p>
        {s.ip && <p className="muted small">{t('sessions.address', { ip: s.ip })}</p>}
      </div>
      {!s.current && (
        <Button variant="secondary" busy={busy} onClick={onEnd}>
          {t('sessions.logout')}
        </Button>
      )}
    </li>
  );
}
