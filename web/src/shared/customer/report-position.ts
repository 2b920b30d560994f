import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useLocationPath } from '../router';
import { useCustomerSession } from './session';

/** How often the open app tells the server where she is (the server takes one report per 30 s per device). */
const EVERY_MS = 60_000;

/**
 * 位置情報: while the shop or マイページ is open and visible, a signed-in member who turned on 位置情報 in her
 * settings reports her position about once a minute (Geolocation API; the browser asks her first), so a
 * store nearby can greet her (店舗の近く). Nothing is sent without that consent, nor from staff screens.
 */
export function useReportPosition() {
  const session = useCustomerSession();
  const { pathname } = useLocationPath();
  const shopper = pathname === '/' || pathname.startsWith('/shop') || pathname.startsWith('/account');
  const consents = useQuery({
    queryKey: ['account', 'consents'],
    enabled: !!session && shopper,
    queryFn: () => call(api.GET('/api/account/consents')),
    staleTime: 60_000,
  });
  const agreed = !!consents.data?.items.some((c) => c.channel === 'location' && c.purpose === 'marketing' && c.granted);
  const on = !!session && shopper && agreed && typeof navigator !== 'undefined' && 'geolocation' in navigator;

  useEffect(() => {
    if (!on) return;
    let last = 0;
    const report = () => {
      if (document.visibilityState !== 'visible' || Date.now() - last < EVERY_MS) return;
      last = Date.now();
      navigator.geolocation.getCurrentPosition(
        (pos) =>
          void api
            .POST('/api/account/position', {
              body: { lat: pos.coords.latitude, lng: pos.coords.longitude, accuracy: pos.coords.accuracy },
            })
            .catch(() => undefined), // a refusal (too often, consent just withdrawn) is not hers to see
        () => undefined, // she declined the browser's prompt: the consent screen says how to turn it off
        { enableHighAccuracy: false, timeout: 15_000, maximumAge: 60_000 },
      );
    };
    report();
    const timer = setInterval(report, EVERY_MS);
    document.addEventListener('visibilitychange', report);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', report);
    };
  }, [on]);
}
