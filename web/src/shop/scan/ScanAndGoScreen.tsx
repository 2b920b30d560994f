import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { useLocations } from '../../shared/locations';
import { useMyStoreId } from '../../shared/my-store';
import { kmBetween } from '../../shared/position';
import { Button, SelectField, TextField } from '../../shared/ui';
import { ExitPass, usePaidPass } from './ExitPass';
import { ScanBasket } from './ScanBasket';
import { ScannedItem } from './ScannedItem';

/** The camera and its barcode reader load only when she opens the camera. */
const CameraScanner = lazy(() => import('../../shared/CameraScanner').then((m) => ({ default: m.CameraScanner })));

/**
 * /shop/scan — スキャン＆ゴー: at a store (マイストア, another she picks, or the nearest when she lets the app
 * see where she is) she scans a shelf item's JAN with the camera (or types it), sees the item, adds it to
 * her basket kept on the server, pays in the app and shows the exit pass at the door.
 */
export function ScanAndGoScreen() {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const myStore = useMyStoreId();
  const stores = (locations.data ?? []).filter((l) => l.kind === 'store');
  const [picked, setPicked] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const storeId = picked ?? (stores.some((s) => s.id === myStore) ? myStore : (stores[0]?.id ?? null));
  const store = stores.find((s) => s.id === storeId);
  const [jan, setJan] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [camera, setCamera] = useState(false);
  const { paid, setPaid, clear } = usePaidPass();

  const settings = useQuery({
    queryKey: ['scan-and-go-settings', storeId],
    queryFn: () => call(api.GET('/api/locations/{id}/scan-and-go', { params: { path: { id: storeId! } } })),
    enabled: !!storeId,
  });
  useEffect(() => setJan(null), [storeId]);

  const nearest = () => {
    if (!('geolocation' in navigator)) return;
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        const here = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        const first = [...stores].sort((a, b) => kmBetween(here, a) - kmBetween(here, b))[0];
        if (first) setPicked(first.id);
      },
      () => setLocating(false),
      { enableHighAccuracy: false, timeout: 10_000, maximumAge: 300_000 },
    );
  };
  const lookUp = (e: FormEvent) => {
    e.preventDefault();
    const digits = typed.normalize('NFKC').replace(/\D/g, '');
    if (digits) setJan(digits);
  };

  if (paid) return <ExitPass paid={paid} onDone={clear} />;
  const on = settings.data?.enabled;

  return (
    <main className="page shop scan-go">
      <h1>{t('scanGo.title')}</h1>
      <p className="muted">{t('scanGo.lead')}</p>
      <section className="card stack scan-go-store">
        <SelectField
          label={t('scanGo.store')}
          value={storeId ?? ''}
          onChange={(e) => setPicked(e.target.value)}
          data-testid="scan-go-store"
        >
          {stores.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </SelectField>
        <Button variant="ghost" busy={locating} onClick={nearest}>
          {locating ? t('scanGo.locating') : t('scanGo.nearest')}
        </Button>
        {settings.data && !on && store && (
          <p className="banner banner-info" role="status" data-testid="scan-go-off">
            {t('scanGo.off', { store: store.name })}
          </p>
        )}
        {on && settings.data && (
          <p className="muted small">{t('scanGo.cap', { cap: formatYen(settings.data.basketCap, lang) })}</p>
        )}
      </section>

      {on && storeId && store && (
        <>
          <section className="card stack" aria-labelledby="scan-go-scan">
            <h2 id="scan-go-scan" className="visually-hidden">
              {t('scanGo.scan')}
            </h2>
            {camera ? (
              <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
                <CameraScanner
                  kind="jan"
                  labels={{
                    aim: t('scanGo.cameraAim'),
                    stop: t('scanGo.cameraStop'),
                    denied: t('scanGo.cameraDenied'),
                    missing: t('scanGo.cameraMissing'),
                    unsupported: t('scanGo.cameraUnsupported'),
                  }}
                  onCode={(code) => {
                    setCamera(false);
                    setJan(code);
                  }}
                  onClose={() => setCamera(false)}
                />
              </Suspense>
            ) : (
              <Button variant="primary" size="lg" onClick={() => setCamera(true)} data-testid="scan-go-camera">
                {t('scanGo.scan')}
              </Button>
            )}
            <form className="inline-form" onSubmit={lookUp}>
              <TextField
                label={t('scanGo.jan')}
                hint={t('scanGo.janHint')}
                inputMode="numeric"
                autoComplete="off"
                maxLength={20}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
              <Button type="submit">{t('scanGo.lookup')}</Button>
            </form>
          </section>
          {jan && <ScannedItem key={jan} jan={jan} store={store} onDone={() => setJan(null)} />}
          <ScanBasket storeId={storeId} onPaid={setPaid} />
        </>
      )}
    </main>
  );
}
