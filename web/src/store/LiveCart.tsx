import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ClientelingCard, LiveCartLine } from '../shared/api/types';
import { describeOptions, formatTime, formatYen } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Button, ProblemBanner, problemOf } from '../shared/ui';
import { useCartStream } from '../shared/live';
import { EndlessAisle, type AisleItem } from './EndlessAisle';

/** While the live stream is down, how often the open card reads her cart again. */
const REFRESH_MS = 20_000;

/**
 * カートの中身 and 取り寄せ on the clienteling card: her open web/app cart now (read when the card opens, again
 * each time she changes it on her phone — the stream's `event: cart` — every 20 s while the stream is down,
 * and on 最新にする), each line with its size/colour, quantity, price and the stock
 * here; a line this store lacks can be ordered in for her (EndlessAisle), as can a favourite's size or any scanned JAN.
 */
export function CardCart({ card, locationId }: { card: ClientelingCard; locationId: string }) {
  const customerId = card.customer.id;
  const scanId = card.scan.eventId;
  const [chosen, setChosen] = useState<AisleItem | null>(null);
  return (
    <div className="clienteling-grid card-cart">
      <LiveCart customerId={customerId} locationId={locationId} scanId={scanId} onOrder={setChosen} />
      <EndlessAisle
        key={scanId}
        customerId={customerId}
        locationId={locationId}
        locationName={card.scan.locationName}
        scanId={scanId}
        favourites={card.favourites.items}
        chosen={chosen}
        onChoose={setChosen}
      />
    </div>
  );
}

function LiveCart({
  customerId,
  locationId,
  scanId,
  onOrder,
}: {
  customerId: string;
  locationId: string;
  scanId: string;
  onOrder: (item: AisleItem) => void;
}) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const queryKey = ['live-cart', customerId, locationId, scanId];
  const refetch = () => void queryClient.invalidateQueries({ queryKey });
  const live = useCartStream({ customerId, locationId, scanId, onResync: refetch }, refetch);
  const cart = useQuery({
    queryKey,
    queryFn: () =>
      call(
        api.GET('/api/customers/{id}/live-cart', {
          params: { path: { id: customerId }, query: { locationId, scanId } },
        }),
      ),
    refetchInterval: (q) => (q.state.error || live === 'open' ? false : REFRESH_MS),
    refetchOnWindowFocus: true,
    retry: false,
  });

  const data = cart.data;
  const notScanned = problemOf(cart.error)?.code === 'clienteling.not_scanned';
  return (
    <section className="card live-cart" aria-labelledby="live-cart-title" data-testid="live-cart">
      <div className="live-cart-head">
        <h2 id="live-cart-title">{t('card.cart.title')}</h2>
        {live === 'open' && !cart.error && (
          <span className="badge badge-ok" data-testid="live-cart-live">
            {t('card.cart.live')}
          </span>
        )}
        <Button onClick={() => void cart.refetch()} busy={cart.isFetching}>
          {cart.isFetching ? t('card.cart.refreshing') : t('card.cart.refresh')}
        </Button>
      </div>
      {notScanned ? <p className="muted">{t('card.cart.scanAgain')}</p> : <ProblemBanner error={cart.error} />}
      {data && (
        <>
          <p className="muted small">
            {data.channel &&
              `${t('card.cart.from', { channel: t(data.channel === 'app' ? 'card.cart.channel.app' : 'card.cart.channel.web') })} · `}
            {t('card.cart.readAt', { time: formatTime(data.readAt) })}
          </p>
          {data.lines.length ? (
            <>
              <ul className="plain-list live-cart-lines">
                {data.lines.map((l) => (
                  <CartLine key={l.variantId} line={l} onOrder={onOrder} />
                ))}
              </ul>
              <p className="live-cart-total">
                <span>{t('card.cart.subtotal')}</span> <strong>{formatYen(data.subtotal, lang)}</strong>
              </p>
            </>
          ) : (
            <p className="muted">{t('card.cart.empty')}</p>
          )}
        </>
      )}
    </section>
  );
}

function CartLine({ line, onOrder }: { line: LiveCartLine; onOrder: (item: AisleItem) => void }) {
  const t = useT();
  const lang = useLang();
  const short = line.availableHere < line.quantity;
  return (
    <li className="live-cart-line" data-variant={line.variantId}>
      <div>
        <p className="product-name">{line.productName}</p>
        <p className="muted small">
          {describeOptions(line.options)} {t('card.cart.qty', { n: line.quantity })} · {formatYen(line.price, lang)}
        </p>
      </div>
      <div className="suggestion-facts">
        {line.availableHere > 0 ? (
          <span className="stock stock-ok">{t('card.hereN', { n: line.availableHere })}</span>
        ) : (
          <span className="stock stock-none">{t('card.notHere')}</span>
        )}
        {short && (
          <Button
            onClick={() =>
              onOrder({
                variantId: line.variantId,
                productName: line.productName,
                options: line.options,
                price: line.price,
                quantity: line.quantity,
              })
            }
          >
            {t('card.cart.order')}
          </Button>
        )}
      </div>
    </li>
  );
}
