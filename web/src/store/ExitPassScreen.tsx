import { useRef, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { describeOptions, formatDateTime, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner } from '../shared/ui';
import { CameraScanner } from '../shared/CameraScanner';
import type { Session } from '../shared/staff-session';
import { useCameraLabels } from './camera-labels';
import { ScanBox } from './ScanBox';

type Verified = paths['/api/scan-and-go/exit-passes/verify']['post']['responses'][200]['content']['application/json'];
type Line = Verified['lines'][number];

/**
 * /store/:id/exit-pass — 出口チェック: the clerk at the door scans a スキャン＆ゴー shopper's exit pass (wedge
 * scanner or camera) and sees the paid items, when she paid, and in big letters whether this one is picked
 * for a look at the items (「商品を確認してください」) or not (「確認不要」). A forged, expired, other store's or
 * already-used pass is refused with the reason.
 */
export function ExitPassScreen({ locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const cameraLabels = { ...useCameraLabels(), aim: t('exitPass.hint') };
  const inputRef = useRef<HTMLInputElement>(null);
  const [camera, setCamera] = useState(false);
  const verify = useMutation({
    mutationFn: (code: string) => call(api.POST('/api/scan-and-go/exit-passes/verify', { body: { locationId, code } })),
  });
  const scan = (code: string) => {
    setCamera(false);
    verify.mutate(code);
  };
  const next = () => {
    verify.reset();
    inputRef.current?.focus();
  };
  const v = verify.data;
  return (
    <main className="page store exit-pass-screen">
      <div className="section-head">
        <h1>{t('exitPass.title')}</h1>
        {(v || verify.error) && (
          <Button onClick={next} size="lg">
            {t('exitPass.next')}
          </Button>
        )}
      </div>
      <ScanBox
        onScan={scan}
        inputRef={inputRef}
        id="exit-pass-input"
        label={t('exitPass.scanLabel')}
        placeholder={t('exitPass.placeholder')}
        hint={t('exitPass.hint')}
        submitLabel={t('exitPass.submit')}
        inputMode="text"
        normalise={(raw) => raw.normalize('NFKC').trim()}
        catchKeys={/^[A-Za-z0-9]$/}
      >
        <div className="scan-extra">
          {camera ? (
            <CameraScanner labels={cameraLabels} onCode={scan} onClose={() => setCamera(false)} />
          ) : (
            <Button variant="ghost" onClick={() => setCamera(true)}>
              {t('exitPass.camera')}
            </Button>
          )}
        </div>
      </ScanBox>
      <ProblemBanner error={verify.error} />
      {verify.isPending && <p className="muted">{t('common.loading')}</p>}
      {v ? (
        <section
          className={`card exit-verdict ${v.mustCheck ? 'exit-verdict-check' : 'exit-verdict-ok'}`}
          data-testid="exit-verdict"
          data-must-check={String(v.mustCheck)}
          aria-live="polite"
        >
          <p className="exit-verdict-title">
            <span aria-hidden="true">{v.mustCheck ? '！' : '✓'}</span>{' '}
            {v.mustCheck ? t('exitPass.mustCheck') : t('exitPass.noCheck')}
          </p>
          <p>{v.mustCheck ? t('exitPass.mustCheckHint') : t('exitPass.noCheckHint')}</p>
          {v.again && (
            <p className="banner banner-info">{t('exitPass.again', { time: formatDateTime(v.verifiedAt, lang) })}</p>
          )}
          <p className="exit-verdict-facts">
            <strong>{t('exitPass.items', { n: v.itemCount })}</strong>
            <span>{t('exitPass.paidAt', { time: formatDateTime(v.paidAt, lang) })}</span>
            <span>
              {t('exitPass.order')} <span className="mono">{v.orderNumber}</span>
            </span>
          </p>
          <DataTable<Line>
            stacked
            columns={[
              {
                key: 'name',
                header: t('exitPass.col.item'),
                cell: (l) => (
                  <>
                    {l.name}
                    {Object.keys(l.options).length > 0 && (
                      <span className="muted small"> {describeOptions(l.options)}</span>
                    )}
                  </>
                ),
              },
              { key: 'qty', header: t('exitPass.col.qty'), cell: (l) => l.quantity, align: 'end' },
              { key: 'total', header: t('exitPass.col.total'), cell: (l) => formatYen(l.total, lang), align: 'end' },
            ]}
            rows={v.lines}
            rowKey={(l) => l.jan}
            empty={null}
          />
          <p className="muted small">
            {t('exitPass.total', { total: formatYen(v.total, lang) })} ·{' '}
            {t('exitPass.verifiedBy', { name: v.verifiedBy, time: formatDateTime(v.verifiedAt, lang) })}
          </p>
        </section>
      ) : (
        !verify.isPending && !verify.error && <p className="empty-hint">{t('exitPass.empty')}</p>
      )}
    </main>
  );
}
