import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, SuccessBanner } from '../../shared/ui';
import { TillReceipt } from '../../shared/ui/Receipt';
import type { TillDone } from './useTillBasket';

/** The store's receipt printer, if it has one switched on (null offline, or when it has none). */
export function useStorePrinter(locationId: string, online: boolean) {
  return useQuery({
    queryKey: ['receipt-printer', locationId],
    queryFn: async () =>
      (await call(api.GET('/api/locations/{id}/receipt-printer', { params: { path: { id: locationId } } }))).printer,
    enabled: online,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/**
 * After 会計: レシート印刷 on the store's printer when it has one (by itself with autoPrint; a second print is a
 * 再発行), the browser's 印刷 always (the fallback: offline, or when the printer fails), 次のお客様 and the
 * receipt (the server's, or offline the till's own: the only thing the browser prints).
 */
export function SaleDone({ sale, locationId, onNext }: { sale: TillDone; locationId: string; onNext: () => void }) {
  const t = useT();
  const printer = useStorePrinter(locationId, sale.orderId !== null);
  const canPrint = sale.orderId !== null && !!printer.data?.enabled;
  // The first print is the receipt; every later one (or one of a sale already recorded) is a 再発行.
  const [printed, setPrinted] = useState(sale.replayed);
  const print = useMutation({
    mutationFn: (copy: boolean) =>
      call(api.POST('/api/orders/{id}/print', { params: { path: { id: sale.orderId! } }, body: { copy } })),
    onSuccess: () => setPrinted(true),
  });
  const auto = useRef(false);
  useEffect(() => {
    // A sale the server already had (replayed) was printed when it was first rung up.
    if (canPrint && printer.data?.autoPrint && !sale.replayed && !auto.current) {
      auto.current = true;
      print.mutate(false);
    }
  }, [canPrint, printer.data?.autoPrint, sale.replayed, print]);

  return (
    <main className="page store till-screen till-done">
      <div className="section-head no-print">
        <h1>{t('till.title')}</h1>
        <div className="till-done-actions">
          {canPrint && (
            <Button
              onClick={() => print.mutate(printed)}
              size="lg"
              busy={print.isPending}
              data-testid="till-printer-print"
            >
              {t(printed ? 'till.printer.reprint' : 'till.printer.print')}
            </Button>
          )}
          <Button onClick={() => window.print()} size="lg">
            {t('till.print')}
          </Button>
          <Button variant="primary" onClick={onNext} size="lg" autoFocus>
            {t('till.next')}
          </Button>
        </div>
      </div>
      <div className="no-print">
        {sale.number ? (
          <SuccessBanner>{t('till.sold', { number: sale.number })}</SuccessBanner>
        ) : (
          <p className="banner banner-warn" data-testid="till-sold-offline">
            {t('till.offline.sold', { number: sale.receipt.offline?.number ?? '' })}
          </p>
        )}
        {sale.replayed && <p className="banner banner-info">{t('till.replayed')}</p>}
        {print.isSuccess && (
          <p className="banner banner-info" role="status" data-testid="till-printer-done">
            {t(print.variables ? 'till.printer.reprinted' : 'till.printer.printed')}
          </p>
        )}
        {print.isError && <ProblemBanner error={print.error} />}
      </div>
      <TillReceipt receipt={sale.receipt} />
    </main>
  );
}
