import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useT } from '../shared/i18n';
import { navigate } from '../shared/router';
import { Button, ProblemBanner, TextField } from '../shared/ui';
import { lookupOrder, rememberGuestOrder } from './OrderScreen';

/** /shop/orders/lookup — a guest (会員登録なし) follows an order with its number and the e-mail used at checkout. */
export function OrderLookupScreen() {
  const t = useT();
  const [number, setNumber] = useState('');
  const [email, setEmail] = useState('');
  const find = useMutation({
    mutationFn: () => lookupOrder(number.trim(), email.trim()),
    onSuccess: (order) => {
      rememberGuestOrder(order, email.trim());
      navigate(`/shop/orders/${order.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    find.mutate();
  };
  return (
    <main className="page narrow shop">
      <h1>{t('order.lookup.title')}</h1>
      <form className="card stack" onSubmit={submit}>
        <p className="muted">{t('order.lookup.lead')}</p>
        <TextField
          label={t('order.lookup.number')}
          name="number"
          placeholder="W-001234"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          required
        />
        <TextField
          label={t('order.lookup.email')}
          type="email"
          name="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <ProblemBanner error={find.error} />
        <Button type="submit" disabled={find.isPending}>
          {t('order.lookup.submit')}
        </Button>
      </form>
    </main>
  );
}
