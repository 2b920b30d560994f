import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT } from '../shared/i18n';
import { Button, ProblemBanner } from '../shared/ui';
import { RefundSlip } from './RefundSlip';
import { TillReceipt } from '../shared/ui/Receipt';
import { useStorePrinter } from './till/SaleDone';

/** What the returns counter prints: a return's refund slip, or a sale's receipt again (再発行). */
export type Paper = { kind: 'slip'; returnId: string; reissue: boolean } | { kind: 'receipt'; orderId: string };

/**
 * The paper on screen, alone, for the browser's 印刷 (80 mm, @media print) — and for a receipt copy the store's
 * ESC/POS printer when it has one; 戻る goes back to the return.
 */
export function ReturnPaper({ paper, locationId, onBack }: { paper: Paper; locationId: string; onBack: () => void }) {
  const t = useT();
  const slip = useQuery({
    queryKey: ['refund-slip', paper.kind === 'slip' ? paper.returnId : null],
    queryFn: () =>
      call(api.GET('/api/returns/{id}/slip', { params: { path: { id: (paper as { returnId: string }).returnId } } })),
    enabled: paper.kind === 'slip',
  });
  const receipt = useQuery({
    queryKey: ['receipt', paper.kind === 'receipt' ? paper.orderId : null],
    queryFn: () =>
      call(api.GET('/api/orders/{id}/receipt', { params: { path: { id: (paper as { orderId: string }).orderId } } })),
    enabled: paper.kind === 'receipt',
  });
  const printer = useStorePrinter(locationId, paper.kind === 'receipt');
  const print = useMutation({
    mutationFn: (orderId: string) =>
      call(api.POST('/api/orders/{id}/print', { params: { path: { id: orderId } }, body: { copy: true } })),
  });
  const ready = paper.kind === 'slip' ? !!slip.data : !!receipt.data;

  return (
    <main className="page store returns-page">
      <div className="section-head no-print">
        <h1>{t(paper.kind === 'slip' ? 'slip.title' : 'store.returns.reprint')}</h1>
        <div className="till-done-actions">
          {paper.kind === 'receipt' && printer.data?.enabled && (
            <Button onClick={() => print.mutate(paper.orderId)} size="lg" busy={print.isPending}>
              {t('till.printer.reprint')}
            </Button>
          )}
          <Button onClick={() => window.print()} size="lg" disabled={!ready} data-testid="paper-print">
            {t('store.returns.paperPrint')}
          </Button>
          <Button variant="primary" onClick={onBack} size="lg">
            {t('store.returns.back')}
          </Button>
        </div>
      </div>
      <div className="no-print">
        <ProblemBanner error={slip.error ?? receipt.error ?? print.error} />
        {print.isSuccess && (
          <p className="banner banner-info" role="status">
            {t('till.printer.reprinted')}
          </p>
        )}
      </div>
      {paper.kind === 'slip' && slip.data && <RefundSlip slip={slip.data} reissue={paper.reissue} />}
      {paper.kind === 'receipt' && receipt.data && <TillReceipt receipt={receipt.data} reissue />}
    </main>
  );
}
