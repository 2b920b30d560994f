import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { formatDateTime } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import type { Session } from '../../shared/staff-session';
import { useTillSync } from '../till/offline-sync';
import { CashMovementForm } from './CashMovementForm';
import { CountForm } from './CountForm';
import { TillReport } from './TillReport';
import { ZReportHistory } from './ZReportHistory';
import { digitsOf, type TillFigures, type TillSession } from './types';
import './till-session.css';

/**
 * /store/:id/till-session — レジ開け・レジ締め: open the store's till with the float, record cash in and out,
 * print an X report (点検) any time, count the drawer by denomination and close with the Z report (精算),
 * printable on the till's 80 mm printer; the store manager sees the past Z reports.
 */
export function TillSessionScreen({ session: staff, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [report, setReport] = useState<{ session: TillSession; figures: TillFigures } | null>(null);
  const current = useQuery({
    queryKey: ['till-session', locationId],
    queryFn: () => call(api.GET('/api/till-sessions/current', { params: { query: { locationId } } })),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['till-session', locationId] });
  const open = current.data?.session ?? null;

  const opening = useMutation({
    mutationFn: (body: { float: number; registerName: string }) =>
      call(api.POST('/api/till-sessions', { body: { locationId, ...body } })),
    onSuccess: () => {
      setReport(null);
      void refresh();
    },
  });
  const moving = useMutation({
    mutationFn: (body: { kind: 'in' | 'out'; amount: number; reason: string }) =>
      call(api.POST('/api/till-sessions/{id}/cash-movements', { params: { path: { id: open!.id } }, body })),
    onSuccess: () => void refresh(),
  });
  const xReport = useMutation({
    mutationFn: () =>
      call(api.GET('/api/till-sessions/{id}/x-report', { params: { path: { id: open!.id } } })).then((figures) => ({
        session: open!,
        figures,
      })),
    onSuccess: setReport,
  });
  const closing = useMutation({
    mutationFn: (body: { counted: Record<string, number>; note: string }) =>
      call(
        api.POST('/api/till-sessions/{id}/close', {
          params: { path: { id: open!.id } },
          body: { counted: body.counted, ...(body.note ? { note: body.note } : {}) },
        }),
      ),
    onSuccess: (closed) => {
      if (closed.report) setReport({ session: closed, figures: closed.report });
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ['z-reports', locationId] });
    },
  });
  const manager = staff.staff.role !== 'staff';
  // Sales rung up offline still on this device: they count where the server receives them, so close after they are sent.
  const sync = useTillSync();

  return (
    <main className="page store till-session-page">
      <h1 className="no-print">{t('tillSession.title')}</h1>
      <div className="no-print">
        <ProblemBanner error={current.error ?? opening.error ?? xReport.error ?? closing.error} />
        {closing.isSuccess && !open && <SuccessBanner>{t('tillSession.close.done')}</SuccessBanner>}
      </div>
      {current.isSuccess && !open && (
        <OpenForm busy={opening.isPending} error={opening.error} onOpen={(b) => opening.mutate(b)} />
      )}
      {open && (
        <>
          <section className="card till-session-head no-print" data-testid="till-open" data-session={open.id}>
            <p className="till-session-status">
              {t('tillSession.openSince', {
                register: open.registerName,
                time: formatDateTime(open.openedAt, lang),
                name: open.openedBy.name,
              })}
            </p>
            <p>{t('tillSession.floatIs', { amount: plainYen(open.float) })}</p>
            <div className="till-session-actions">
              <Button variant="secondary" size="lg" busy={xReport.isPending} onClick={() => xReport.mutate()}>
                {t('tillSession.x.button')}
              </Button>
              <span className="muted small">{t('tillSession.x.hint')}</span>
            </div>
          </section>
          <CashMovementForm
            session={open}
            busy={moving.isPending}
            fieldErrors={(f) => fieldError(moving.error, f)}
            onRecord={(m) => moving.mutateAsync(m)}
          />
          {moving.error && (
            <div className="no-print">
              <ProblemBanner error={moving.error} />
            </div>
          )}
        </>
      )}
      {report && (
        <section className="till-report-wrap">
          <div className="till-session-actions no-print">
            <Button variant="primary" onClick={() => window.print()}>
              {t('tillSession.print')}
            </Button>
            <Button variant="ghost" onClick={() => setReport(null)}>
              {t('tillSession.hideReport')}
            </Button>
          </div>
          <TillReport session={report.session} figures={report.figures} />
        </section>
      )}
      {open && sync.pending > 0 && (
        <div className="banner banner-warn no-print" role="status" data-testid="till-pending">
          {t('tillSession.close.pending', { n: sync.pending })}
        </div>
      )}
      {open && (
        <CountForm
          busy={closing.isPending}
          fieldErrors={(f) => fieldError(closing.error, f)}
          onClose={(counted, note) => closing.mutate({ counted, note })}
        />
      )}
      {manager && (
        <ZReportHistory
          locationId={locationId}
          onShow={(s) => s.report && setReport({ session: s, figures: s.report })}
        />
      )}
    </main>
  );
}

function OpenForm({
  busy,
  error,
  onOpen,
}: {
  busy: boolean;
  error: unknown;
  onOpen: (body: { float: number; registerName: string }) => void;
}) {
  const t = useT();
  const [register, setRegister] = useState('レジ1');
  const [float, setFloat] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onOpen({ float: Number(float || 0), registerName: register.trim() });
  };
  return (
    <form className="card stack no-print" onSubmit={submit} data-testid="till-open-form">
      <p>{t('tillSession.closedNow')}</p>
      <TextField
        label={t('tillSession.register')}
        value={register}
        maxLength={40}
        onChange={(e) => setRegister(e.target.value)}
        error={fieldError(error, 'registerName')}
      />
      <TextField
        label={t('tillSession.float')}
        hint={t('tillSession.floatHint')}
        inputMode="numeric"
        autoComplete="off"
        required
        value={float}
        onChange={(e) => setFloat(digitsOf(e.target.value).slice(0, 8))}
        error={fieldError(error, 'float')}
      />
      <Button type="submit" variant="primary" size="lg" busy={busy}>
        {t('tillSession.open')}
      </Button>
    </form>
  );
}
