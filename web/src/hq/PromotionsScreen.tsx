import { useState } from 'react';
import { useT } from '../shared/i18n';
import { ProblemBanner } from '../shared/ui';
import { CouponsPanel } from './promotions/CouponsPanel';
import { PromotionForm } from './promotions/PromotionForm';
import { PromotionTable } from './promotions/PromotionTable';
import { usePromotions } from './promotions/usePromotions';

/** /hq/promotions — promotions, a form for every kind with its conditions, ending one; per promotion its coupons. */
export function PromotionsScreen() {
  const t = useT();
  const [showEnded, setShowEnded] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const promotions = usePromotions(showEnded);
  const selected = promotions.data?.items.find((p) => p.id === open) ?? null;

  return (
    <main className="page store hq-promotions">
      <h1>{t('hq.promotions.title')}</h1>
      <PromotionForm />
      <section className="card">
        <h2>{t('hq.promotions.list')}</h2>
        <label className="check">
          <input type="checkbox" checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />{' '}
          {t('hq.promotions.showEnded')}
        </label>
        <ProblemBanner error={promotions.error} />
        <PromotionTable
          rows={promotions.data?.items ?? []}
          empty={promotions.isPending ? t('common.loading') : t('hq.promotions.none')}
          open={open}
          onOpen={(id) => setOpen(open === id ? null : id)}
        />
      </section>
      {selected && <CouponsPanel key={selected.id} promotion={selected} onClose={() => setOpen(null)} />}
    </main>
  );
}
