/** Campaigns' server state: the list, one with its progress, saving a draft, sending, deleting. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, newIdempotencyKey } from '../../api/client';
import { saveFile } from '../../save-file';
import type { CampaignBody } from '../../api/types';

const LIST = ['hq', 'campaigns'] as const;

export function useCampaigns() {
  return useQuery({ queryKey: LIST, queryFn: () => call(api.GET('/api/campaigns')), select: (d) => d.items });
}

/** One campaign with its progress; while messages are still waiting it is asked again every few seconds. */
export function useCampaign(id: string | null) {
  return useQuery({
    queryKey: [...LIST, id],
    enabled: !!id,
    queryFn: () => call(api.GET('/api/campaigns/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (q) => (q.state.data?.progress.channels.some((c) => c.waiting > 0) ? 5000 : false),
  });
}

export function useCreateCampaign(onCreated: (id: string) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CampaignBody) => call(api.POST('/api/campaigns', { body })),
    onSuccess: (c) => {
      onCreated(c.id);
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}

/** Send now: one key per click, so a retry after a lost answer replays instead of being refused as sent. */
export function useSendCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(
        api.POST('/api/campaigns/{id}/send', {
          params: { path: { id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: LIST }),
  });
}

export function useDeleteCampaign(onDeleted: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/campaigns/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      onDeleted();
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}

/** What a sent campaign earned (lift against its holdout, attributed sales). */
export function useCampaignResults(id: string, sent: boolean) {
  return useQuery({
    queryKey: [...LIST, id, 'results'],
    enabled: sent,
    queryFn: () => call(api.GET('/api/campaigns/{id}/results', { params: { path: { id } } })),
  });
}

/** Downloads the sales the campaign earned as CSV (per day, store and channel). */
export function useExportResults() {
  return useMutation({
    mutationFn: async (c: { id: string; name: string }) => {
      const blob = await call(
        api.GET('/api/campaigns/{id}/results.csv', { params: { path: { id: c.id } }, parseAs: 'blob' }),
      );
      saveFile(blob, `${c.name}.csv`);
    },
  });
}

/** 配信を開始 / 停止 for a trigger campaign. */
export function useSetTriggerState() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, on }: { id: string; on: boolean }) =>
      call(
        on
          ? api.POST('/api/campaigns/{id}/activate', { params: { path: { id } } })
          : api.POST('/api/campaigns/{id}/pause', { params: { path: { id } } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: LIST }),
  });
}

/** A trigger campaign's latest firings and totals, asked again every 15 s while it is on. */
export function useFirings(id: string, active: boolean) {
  return useQuery({
    queryKey: [...LIST, id, 'firings'],
    queryFn: () => call(api.GET('/api/campaigns/{id}/firings', { params: { path: { id } } })),
    refetchInterval: active ? 15_000 : false,
  });
}

/** 予約配信: set (an ISO time) or cancel (null) a draft's scheduled sending. */
export function useSchedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, at }: { id: string; at: string | null }) =>
      call(
        at
          ? api.POST('/api/campaigns/{id}/schedule', { params: { path: { id } }, body: { at } })
          : api.DELETE('/api/campaigns/{id}/schedule', { params: { path: { id } } }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: LIST }),
  });
}

/** Change a campaign (お知らせ（自動）: its words and hours, while it runs). */
export function useUpdateCampaign(onSaved: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: Partial<CampaignBody> }) =>
      call(api.PATCH('/api/campaigns/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: LIST });
      onSaved();
    },
  });
}
