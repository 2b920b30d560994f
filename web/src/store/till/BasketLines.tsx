import { describeOptions, formatYen } from '../../shared/format';
import { useLang, useT } from '../../shared/i18n';
import { Button } from '../../shared/ui';
import { plainYen } from '../../shared/ui/Totals';
import type { TillLine } from '../till';

/** お買い上げ商品: the scanned lines with their quantity steppers and 取消. */
export function BasketLines({
  lines,
  setQuantity,
}: {
  lines: readonly TillLine[];
  setQuantity: (variantId: string, quantity: number) => void;
}) {
  const t = useT();
  const count = lines.reduce((s, l) => s + l.quantity, 0);
  return (
    <>
      <h2 id="till-basket-title">
        {t('till.basket')} <span className="muted small">{t('till.items', { n: count })}</span>
      </h2>
      {lines.length === 0 ? (
        <p className="empty-hint">{t('till.empty')}</p>
      ) : (
        <table className="till-lines">
          <thead>
            <tr>
              <th>{t('till.col.item')}</th>
              <th className="num">{t('till.col.unit')}</th>
              <th>{t('till.col.qty')}</th>
              <th className="num">{t('till.col.total')}</th>
              <th>
                <span className="visually-hidden">{t('till.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l) => (
              <BasketLine key={l.variantId} line={l} setQuantity={setQuantity} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** One line: name and options (※ for the reduced rate), unit price, − qty ＋, amount, 取消. */
function BasketLine({
  line: l,
  setQuantity,
}: {
  line: TillLine;
  setQuantity: (variantId: string, quantity: number) => void;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <tr className="till-line" data-jan={l.jan} data-quantity={l.quantity} data-rate={l.taxRate}>
      <td className="till-line-item">
        <p className="product-name">{l.name}</p>
        <p className="small muted">
          {describeOptions(l.options)}
          {l.taxRate === 8 && <span className="till-reduced"> {t('till.reduced')}</span>}
        </p>
      </td>
      <td className="num till-line-unit">{formatYen(l.unitPrice, lang)}</td>
      <td className="till-line-qty">
        <div className="qty-stepper">
          <Button
            aria-label={t('till.decrease', { name: l.name })}
            onClick={() => setQuantity(l.variantId, l.quantity - 1)}
          >
            −
          </Button>
          <span className="qty" data-testid="qty">
            {l.quantity}
          </span>
          <Button
            aria-label={t('till.increase', { name: l.name })}
            onClick={() => setQuantity(l.variantId, l.quantity + 1)}
          >
            ＋
          </Button>
        </div>
      </td>
      <td className="num till-line-total">{plainYen(l.unitPrice * l.quantity)}</td>
      <td className="till-line-remove">
        <Button
          variant="ghost"
          aria-label={t('till.removeLabel', { name: l.name })}
          onClick={() => setQuantity(l.variantId, 0)}
        >
          {t('till.remove')}
        </Button>
      </td>
    </tr>
  );
}
