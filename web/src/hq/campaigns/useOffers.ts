/** The offers a campaign may carry: single-use coupons whose promotion is switched on and not ended. */
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';

export interface OfferChoice {
  couponId: string;
  promotionName: string;
  kind: 'percent_off' | 'amount_off' | 'buy_x_get_y' | 'bundle_price';
  params: Record<string, number | undefined>;
}

export function useOfferChoices() {
  return useQuery({
    queryKey: ['hq', 'campaigns', 'offers'],
    queryFn: async (): Promise<OfferChoice[]> => {
      const [promotions, coupons] = await Promise.all([
        call(api.GET('/api/promotions', { params: { query: { active: 'true' } } })),
        call(api.GET('/api/coupons')),
      ]);
      const now = Date.now();
      const byId = new Map(promotions.items.map((p) => [p.id, p]));
      return coupons.items.flatMap((c) => {
        const p = byId.get(c.promotionId);
        const ended = (end: string | null | undefined) => !!end && Date.parse(end) <= now;
        if (c.kind !== 'single_use' || !p || ended(c.endsAt) || ended(p.endsAt)) return [];
        return [{ couponId: c.id, promotionName: p.name, kind: p.kind, params: p.params }];
      });
    },
  });
}
