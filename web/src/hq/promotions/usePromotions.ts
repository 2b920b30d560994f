/** The promotions' server state: the list, the categories a promotion may target, creating and ending one. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../shared/api/client';
import type { PromotionBody } from '../../shared/api/types';

const LIST = ['hq', 'promotions'] as const;

/** Promotions now running, or every promotion with the ended ones too. */
export function usePromotions(showEnded: boolean) {
  return useQuery({
    queryKey: [...LIST, showEnded],
    queryFn: () => call(api.GET('/api/promotions', { params: { query: showEnded ? {} : { active: 'true' } } })),
  });
}

/** The categories a promotion can be limited to; they change seldom. */
export { useCategories } from '../../shared/categories';

/** Creates a promotion; the list is fetched afresh after. */
export function useCreatePromotion(onCreated: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PromotionBody) => call(api.POST('/api/promotions', { body })),
    onSuccess: () => {
      onCreated();
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}

/** Ends a promotion now (it stays in the list of ended ones). */
export function useEndPromotion(onEnded: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(api.PATCH('/api/promotions/{id}', { params: { path: { id } }, body: { active: false } })),
    onSuccess: () => {
      onEnded();
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}
