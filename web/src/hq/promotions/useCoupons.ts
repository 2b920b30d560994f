/** A promotion's coupons on the server: the list, a public code, a batch of single-use codes, and each one's redemptions. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import { saveFile } from '../../shared/save-file';

const couponsKey = (promotionId: string) => ['hq', 'coupons', promotionId] as const;

/** The coupons issued for one promotion. */
export function useCoupons(promotionId: string) {
  return useQuery({
    queryKey: couponsKey(promotionId),
    queryFn: () => call(api.GET('/api/coupons', { params: { query: { promotionId } } })),
  });
}

/** Creates one public code (anyone may use it); the coupons are fetched afresh after. */
export function useCreatePublicCoupon(promotionId: string, onCreated: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (coupon: { code: string; issuedChannel: string | null }) =>
      call(api.POST('/api/coupons', { body: { promotionId, ...coupon } })),
    onSuccess: () => {
      onCreated();
      void queryClient.invalidateQueries({ queryKey: couponsKey(promotionId) });
    },
  });
}

/** Issues a batch of single-use codes and saves them as a CSV file (with a BOM, so Excel reads it as UTF-8). */
export function useCouponBatch(promotionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (batch: { count: number; prefix?: string; issuedChannel: string | null }) => {
      const r = await call(
        api.POST('/api/coupons/batches', {
          body: {
            coupon: { promotionId, issuedChannel: batch.issuedChannel },
            count: batch.count,
            prefix: batch.prefix,
          },
        }),
      );
      saveFile(`\ufeffcode\r\n${r.codes.join('\r\n')}\r\n`, `coupons-${r.batchId}.csv`);
      return r;
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: couponsKey(promotionId) }),
  });
}

/** How often a coupon was used, for how much, and where. */
export function useRedemptions(couponId: string) {
  return useQuery({
    queryKey: ['hq', 'redemptions', couponId],
    queryFn: () => call(api.GET('/api/coupons/{id}/redemptions', { params: { path: { id: couponId } } })),
    // Uses happen at tills and checkouts all the time: fetch afresh whenever the panel opens.
    refetchOnMount: 'always',
  });
}
