import { useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Customer, ResolveBody } from '../shared/api/types';
import { useT } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, TierBadge } from '../shared/ui';
import { CustomerName } from '../shared/customer/CustomerName';
import { CameraScanner } from '../shared/CameraScanner';
import { useCameraLabels } from './camera-labels';
import { ClientelingCard } from './ClientelingCard';
import { ScanBox } from './ScanBox';
import { isChainWide, type Session } from '../shared/staff-session';

/** 13 digits whose last is the Luhn check digit of the other twelve: a member number as printed. */
function isMemberNumber(digits: string): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) {
    let d = Number(digits[12 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * What was scanned or typed, as the resolve request: the app's rotating QR code (`M1.…`), a member number
 * (13 digits, check digit right), a Japanese phone number in any of its spellings, or else the number
 * of a plastic member card.
 */
export function resolveBodyFor(raw: string, locationId: string): ResolveBody {
  const text = raw.normalize('NFKC').trim();
  if (/^M\d+\./.test(text)) return { code: text, locationId };
  const digits = text.replace(/[\s()-]/g, '');
  if (isMemberNumber(digits)) return { memberNumber: digits, locationId };
  if (/^(\+81|0)\d{9,10}$/.test(digits)) return { phone: digits, locationId };
  return { cardNumber: text, locationId };
}

/** お名前で探す: for the customer who left the phone at home. */
function MemberSearch({ onPick }: { onPick: (c: Customer) => void }) {
  const t = useT();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const results = useQuery({
    queryKey: ['customers', 'search', q],
    queryFn: () => call(api.GET('/api/customers', { params: { query: { q, limit: 10 } } })),
    enabled: !!q,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQ(text.trim());
  };
  return (
    <section className="card member-search" aria-labelledby="member-search-title">
      <h2 id="member-search-title">{t('store.members.searchTitle')}</h2>
      <form className="search-box" role="search" onSubmit={submit}>
        <input
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('store.members.searchLabel')}
          placeholder={t('store.members.searchLabel')}
          autoComplete="off"
        />
        <Button type="submit">{t('store.members.searchSubmit')}</Button>
      </form>
      <ProblemBanner error={results.error} />
      {q && results.data && (
        <DataTable<Customer>
          columns={[
            { key: 'name', header: t('hq.col.name'), cell: (c) => <CustomerName customer={c} /> },
            { key: 'tier', header: t('hq.col.tier'), cell: (c) => <TierBadge tier={c.tier} /> },
            {
              key: 'number',
              header: t('hq.col.memberNumber'),
              cell: (c) => <span className="mono">{c.memberNumber}</span>,
            },
            {
              key: 'open',
              header: <span className="visually-hidden">{t('store.members.show')}</span>,
              align: 'end',
              cell: (c) => (
                <Button variant="primary" onClick={() => onPick(c)}>
                  {t('store.members.show')}
                </Button>
              ),
            },
          ]}
          rows={results.data.items.filter((c) => c.status === 'active')}
          rowKey={(c) => c.id}
          empty={t('store.members.searchNone', { q })}
        />
      )}
    </section>
  );
}

/**
 * /store/:id/members — 会員スキャン: scan the member QR (wedge scanner or camera) or type the member or
 * phone number, and the clienteling card opens. 次のお客様 clears it for the next person in the queue.
 */
export function MemberScanScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const cameraLabels = useCameraLabels();
  const inputRef = useRef<HTMLInputElement>(null);
  const [camera, setCamera] = useState(false);
  const resolve = useMutation({
    mutationFn: (body: ResolveBody) => call(api.POST('/api/member-codes/resolve', { body })),
  });

  const lookup = (raw: string) => {
    setCamera(false);
    resolve.mutate(resolveBodyFor(raw, locationId));
  };
  const next = () => {
    resolve.reset();
    inputRef.current?.focus();
  };

  return (
    <main className="page store members-screen">
      <div className="section-head">
        <h1>{t('store.members.title')}</h1>
        {resolve.data && (
          <Button onClick={next} size="lg">
            {t('store.members.next')}
          </Button>
        )}
      </div>
      <ScanBox
        onScan={lookup}
        inputRef={inputRef}
        id="member-input"
        label={t('store.members.scanLabel')}
        placeholder={t('store.members.placeholder')}
        hint={t('store.members.hint')}
        submitLabel={t('store.members.submit')}
        inputMode="text"
        normalise={(raw) => raw.normalize('NFKC').trim()}
        catchKeys={/^[0-9A-Za-z０-９+]$/}
      >
        <div className="scan-extra">
          {camera ? (
            <CameraScanner labels={cameraLabels} onCode={lookup} onClose={() => setCamera(false)} />
          ) : (
            <Button variant="ghost" onClick={() => setCamera(true)}>
              {t('store.members.camera')}
            </Button>
          )}
        </div>
      </ScanBox>
      <ProblemBanner error={resolve.error} />
      {resolve.isPending && <p className="muted">{t('common.loading')}</p>}
      {resolve.data ? (
        <ClientelingCard card={resolve.data} locationId={locationId} canOpenProfile={isChainWide(session)} />
      ) : (
        <>
          {!resolve.isPending && <p className="empty-hint">{t('store.members.empty')}</p>}
          <MemberSearch onPick={(c) => resolve.mutate({ memberNumber: c.memberNumber, locationId })} />
        </>
      )}
    </main>
  );
}
