import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';

type PushState = 'checking' | 'unsupported' | 'denied' | 'off' | 'on';

const supported = () =>
  typeof window !== 'undefined' && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** The VAPID public key (base64url) as PushManager.subscribe wants it. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * 「プッシュ通知を受け取る」 on this device: the browser asks her permission, the app's service worker
 * (src/sw.ts, which also shows the messages) is registered if it is not yet, and the subscription is sent to the server, which also records her
 * consent to push offers. Turning it off here stops this device only.
 */
export function PushOptIn({ onSubscribed }: { onSubscribed?: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [state, setState] = useState<PushState>('checking');

  useEffect(() => {
    if (!supported()) return setState('unsupported');
    if (Notification.permission === 'denied') return setState('denied');
    currentSubscription()
      .then((s) => setState(s ? 'on' : 'off'))
      .catch(() => setState('off'));
  }, []);

  const subscribe = useMutation({
    mutationFn: async () => {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return 'denied' as const;
      const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const { publicKey } = await call(api.GET('/api/push/public-key'));
      const existing = await registration.pushManager.getSubscription();
      const subscription =
        existing ??
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(publicKey),
        }));
      const json = subscription.toJSON();
      await call(
        api.POST('/api/account/push-subscriptions', {
          body: {
            endpoint: subscription.endpoint,
            keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
          },
        }),
      );
      return 'on' as const;
    },
    onSuccess: (next) => {
      setState(next);
      if (next !== 'on') return;
      onSubscribed?.();
      void queryClient.invalidateQueries({ queryKey: ['account', 'consents'] });
    },
  });
  const unsubscribe = useMutation({
    mutationFn: async () => {
      const subscription = await currentSubscription();
      if (!subscription) return;
      await subscription.unsubscribe();
      await call(api.DELETE('/api/account/push-subscriptions', { body: { endpoint: subscription.endpoint } })).catch(
        (err: unknown) => {
          // Already forgotten by the server (the push service said it was gone): nothing left to do.
          if (!(err instanceof ApiError && err.problem.status === 404)) throw err;
        },
      );
    },
    onSuccess: () => setState('off'),
  });
  const error = subscribe.error ?? unsubscribe.error;

  return (
    <section className="card stack" aria-labelledby="push-title">
      <h2 id="push-title">{t('account.push.title')}</h2>
      <p>{t('account.push.lead')}</p>
      {error instanceof ApiError ? (
        <ProblemBanner error={error} />
      ) : (
        error && <p className="banner banner-error">{t('account.push.failed')}</p>
      )}
      {state === 'unsupported' && <p className="muted">{t('account.push.unsupported')}</p>}
      {state === 'denied' && <p className="muted">{t('account.push.denied')}</p>}
      {state === 'off' && (
        <Button variant="primary" size="lg" busy={subscribe.isPending} onClick={() => subscribe.mutate()}>
          {t('account.push.subscribe')}
        </Button>
      )}
      {state === 'on' && (
        <>
          <p>{t('account.push.on')}</p>
          <Button busy={unsubscribe.isPending} onClick={() => unsubscribe.mutate()}>
            {t('account.push.unsubscribe')}
          </Button>
        </>
      )}
    </section>
  );
}
