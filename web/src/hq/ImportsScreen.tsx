import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ImportJob, ImportRowError } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { useLang, useT, type MessageKey } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SelectField, SuccessBanner, type Column } from '../shared/ui';

const kinds = ['products', 'prices', 'stock_counts', 'customers'] as const;
type Kind = (typeof kinds)[number];

/** The file as base64, in chunks (a 50,000-row file is several MB: one spread would overflow the stack). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * /hq/imports — CSV 取込: pick the kind and the file, check it (the dry run: counts to create, update and
 * leave, every row error with its line, column and reason), then run it and watch the rows go in. A file
 * with errors cannot be run: the office fixes it and uploads it again. A run that stopped is resumed.
 */
export function ImportsScreen() {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('products');
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const recent = useQuery({ queryKey: ['hq', 'imports'], queryFn: () => call(api.GET('/api/imports')) });
  const job = useQuery({
    queryKey: ['hq', 'imports', jobId],
    queryFn: () => call(api.GET('/api/imports/{id}', { params: { path: { id: jobId! } } })),
    enabled: !!jobId,
    // Progress on screen: once a second while the run is under way.
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 1000 : false),
  });
  const check = useMutation({
    mutationFn: async () =>
      call(api.POST('/api/imports', { body: { kind, fileName: file!.name, content: await base64Of(file!) } })),
    onSuccess: (made) => {
      queryClient.setQueryData(['hq', 'imports', made.id], made);
      setJobId(made.id);
      void queryClient.invalidateQueries({ queryKey: ['hq', 'imports'], exact: true });
    },
  });
  const run = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/imports/{id}/run', { params: { path: { id } } })),
    onSuccess: (started) => queryClient.setQueryData(['hq', 'imports', started.id], started),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['hq', 'imports'] }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) check.mutate();
  };
  const current = job.data;

  return (
    <main className="page store hq-imports">
      <h1>{t('imports.title')}</h1>
      <p className="muted small">{t('imports.lead')}</p>
      <form className="card" onSubmit={submit}>
        <SelectField label={t('imports.kind')} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {kinds.map((k) => (
            <option key={k} value={k}>
              {t(`imports.kind.${k}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <div className="field">
          <label htmlFor="import-file">{t('imports.file')}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            required
            aria-describedby="import-file-hint"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          <p className="field-hint" id="import-file-hint">
            {t('imports.fileHint')}
          </p>
        </div>
        <Button type="submit" variant="primary" size="lg" busy={check.isPending} disabled={!file}>
          {t('imports.check')}
        </Button>
      </form>
      <ProblemBanner error={check.error ?? run.error ?? job.error} />
      {current && <JobCard job={current} onRun={() => run.mutate(current.id)} running={run.isPending} />}
      <section className="card">
        <h2>{t('imports.recent')}</h2>
        <DataTable<ImportJob>
          stacked
          columns={[
            { key: 'file', header: t('imports.col.file'), cell: (j) => j.fileName },
            { key: 'kind', header: t('imports.col.kind'), cell: (j) => t(`imports.kind.${j.kind}` as MessageKey) },
            {
              key: 'status',
              header: t('imports.col.status'),
              cell: (j) => t(`imports.state.${j.status}` as MessageKey),
            },
            { key: 'at', header: t('imports.col.at'), cell: (j) => formatDateTime(String(j.createdAt), lang) },
            {
              key: 'open',
              header: <span className="visually-hidden">{t('imports.col.file')}</span>,
              align: 'end',
              cell: (j) => (
                <Button variant="ghost" onClick={() => setJobId(j.id)}>
                  {t('imports.rows', { n: j.totalRows })}
                </Button>
              ),
            },
          ]}
          rows={recent.data?.items ?? []}
          rowKey={(j) => j.id}
          empty={t('imports.none')}
        />
      </section>
    </main>
  );
}

function JobCard({ job, onRun, running }: { job: ImportJob; onRun: () => void; running: boolean }) {
  const t = useT();
  const columns: Column<ImportRowError>[] = [
    { key: 'line', header: t('imports.col.line'), align: 'end', cell: (e) => e.line },
    { key: 'column', header: t('imports.col.column'), cell: (e) => e.column || t('imports.wholeRow') },
    { key: 'reason', header: t('imports.col.reason'), cell: (e) => e.message },
  ];
  const done = job.status === 'done';
  const pct = job.totalRows ? Math.round((job.processedRows / job.totalRows) * 100) : 0;
  return (
    <section className="card import-job" data-import={job.id} data-status={job.status}>
      <h2>
        {job.fileName}{' '}
        <span className="muted small">
          {t('imports.encoding', { encoding: t(`imports.encoding.${job.encoding}` as MessageKey) })}
        </span>
      </h2>
      <dl className="import-counts" data-testid="counts">
        {(['create', 'update', 'unchanged', 'error'] as const).map((k) => (
          <div key={k} data-count={k}>
            <dt>{t(`imports.count.${k}`)}</dt>
            <dd>{job.counts[k].toLocaleString()}</dd>
          </div>
        ))}
      </dl>
      {done ? (
        <SuccessBanner>
          {t('imports.status.done')} — {t('imports.result', job.result)}
        </SuccessBanner>
      ) : (
        <p
          className={job.status === 'refused' || job.status === 'failed' ? 'banner banner-error' : 'muted'}
          role="status"
        >
          {t(`imports.status.${job.status}`)}
        </p>
      )}
      {(job.status === 'running' || job.processedRows > 0) && (
        <div className="import-progress">
          <progress
            max={job.totalRows}
            value={job.processedRows}
            aria-label={t('imports.progress', { done: job.processedRows, total: job.totalRows })}
          />
          <span data-testid="progress">
            {t('imports.progress', { done: job.processedRows.toLocaleString(), total: job.totalRows.toLocaleString() })}{' '}
            ({pct} %)
          </span>
        </div>
      )}
      {(job.status === 'checked' || job.status === 'failed') && (
        <Button variant="primary" size="lg" onClick={onRun} busy={running} data-testid="run">
          {t(job.status === 'failed' ? 'imports.resume' : 'imports.run')}
        </Button>
      )}
      {job.errors.length > 0 && (
        <>
          <h3>{t('imports.errors.title', { n: job.errorCount })}</h3>
          {job.errorCount > job.errors.length && (
            <p className="muted small">{t('imports.errors.more', { shown: job.errors.length, n: job.errorCount })}</p>
          )}
          <DataTable<ImportRowError>
            stacked
            columns={columns}
            rows={job.errors}
            rowKey={(e) => `${e.line}:${e.column}:${e.code}`}
            rowProps={() => ({ 'data-testid': 'row-error' })}
            empty=""
          />
        </>
      )}
    </section>
  );
}
