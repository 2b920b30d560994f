import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from './api/client';
import type { paths } from './api/schema';
import { useCustomerSession } from './customer/session';

/**
 * レビュー: the product page's (public, GET /api/products/{id}/reviews), her side of it (may she write one, which
 * she found helpful: /api/account/product-reviews/{id}) and her own (/api/account/reviews). Cached under
 * ['reviews', productId, …] and ['account', 'reviews', …] (dropped when the shopper changes, like all of マイページ).
 */
export type ReviewPage = paths['/api/products/{id}/reviews']['get']['responses'][200]['content']['application/json'];
export type Review = ReviewPage['items'][number];
export type ReviewSummary = ReviewPage['summary'];
export type OwnReview = paths['/api/account/reviews/{id}']['get']['responses'][200]['content']['application/json'];
export type ReviewSort = 'helpful' | 'newest';
export type Fit = 'small' | 'true' | 'large';
export const FITS: readonly Fit[] = ['small', 'true', 'large'];

export function useProductReviews(productId: string, sort: ReviewSort, pages: number) {
  return useQuery({
    queryKey: ['reviews', productId, sort, pages],
    queryFn: () =>
      call(
        api.GET('/api/products/{id}/reviews', {
          params: { path: { id: productId }, query: { sort, limit: 10 * pages, offset: 0 } },
        }),
      ),
    placeholderData: (previous) => previous,
  });
}

/** Her side of a product's reviews; nothing for a guest. */
export function useReviewViewer(productId: string) {
  const session = useCustomerSession();
  return useQuery({
    queryKey: ['account', 'reviews', 'viewer', productId],
    queryFn: () => call(api.GET('/api/account/product-reviews/{productId}', { params: { path: { productId } } })),
    enabled: !!session,
  });
}

export function useMyReviews() {
  return useQuery({ queryKey: ['account', 'reviews'], queryFn: () => call(api.GET('/api/account/reviews')) });
}

/** What changes after she writes, edits, deletes or votes: the page's figures and her side of it. */
export function useForgetReviews() {
  const queryClient = useQueryClient();
  return (productId: string) => {
    void queryClient.invalidateQueries({ queryKey: ['reviews', productId] });
    void queryClient.invalidateQueries({ queryKey: ['account', 'reviews'] });
  };
}

/** 参考になった on or off. */
export function useHelpfulVote(productId: string) {
  const forget = useForgetReviews();
  return useMutation({
    mutationFn: ({ reviewId, on }: { reviewId: string; on: boolean }) =>
      call(
        on
          ? api.PUT('/api/account/review-votes/{id}', { params: { path: { id: reviewId } } })
          : api.DELETE('/api/account/review-votes/{id}', { params: { path: { id: reviewId } } }),
      ),
    onSettled: () => forget(productId),
  });
}

export const REPORT_REASONS = ['inappropriate', 'personal_info', 'unrelated', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** 報告: why (and, for その他, her note); once per member — a second report changes nothing. */
export function useReportReview() {
  return useMutation({
    mutationFn: ({ reviewId, reason, note }: { reviewId: string; reason: ReportReason; note: string }) =>
      call(
        api.PUT('/api/account/review-reports/{id}', {
          params: { path: { id: reviewId } },
          body: { reason, ...(note.trim() ? { note: note.trim() } : {}) },
        }),
      ),
  });
}
