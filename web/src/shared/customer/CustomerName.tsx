import type { Customer } from '../api/types';

/** 山田 花子 with ヤマダ ハナコ beneath: how a customer is named in every list. */
export function CustomerName({ customer }: { customer: Pick<Customer, 'name' | 'nameKana'> }) {
  return (
    <span className="customer-name">
      <span className="product-name">{customer.name ?? '—'}</span>
      {customer.nameKana && <span className="product-kana">{customer.nameKana}</span>}
    </span>
  );
}
