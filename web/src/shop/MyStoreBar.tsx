import { lazy, Suspense, useState } from 'react';
import { useT } from '../shared/i18n';
import { useMyStore } from '../shared/my-store';
import { Button } from '../shared/ui';
import { Link } from '../shared/router';

/** The list of stores, only when she opens it (it pulls in the position picker). */
const MyStorePicker = lazy(() => import('./MyStorePicker').then((m) => ({ default: m.MyStorePicker })));

/** 「マイストア: 渋谷店 [変更]」 — or 「マイストアを選ぶ」 — with the store list opening below. */
export function MyStoreBar() {
  const t = useT();
  const store = useMyStore();
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section className="my-store-bar" aria-labelledby="my-store-title">
      <div className="my-store-line">
        <h2 id="my-store-title" className="my-store-name">
          {store ? t('mystore.current', { store: store.name }) : t('mystore.title')}
        </h2>
        {store && <Link href={`/stores/${store.id}`}>{t('mystore.storePage')}</Link>}
        <Button variant={store ? 'ghost' : 'primary'} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? t('mystore.close') : store ? t('mystore.change') : t('mystore.pick')}
        </Button>
      </div>
      <p className="muted small" role="status">
        {saved ? t('mystore.saved', { store: saved }) : ''}
      </p>
      {open && (
        <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
          <MyStorePicker
            onChosen={(l) => {
              setSaved(l.name);
              setOpen(false);
            }}
          />
        </Suspense>
      )}
    </section>
  );
}
