/** Segments' server state: the saved list, saving and deleting one, the live preview and the CSV. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { Segment, SegmentRules } from '../../api/types';
import { saveFile } from '../../save-file';

const LIST = ['hq', 'segments'] as const;

export function useSegments() {
  return useQuery({ queryKey: LIST, queryFn: () => call(api.GET('/api/segments')), select: (d) => d.items });
}

export interface SegmentDraft {
  id?: string;
  name: string;
  description: string;
  rules: SegmentRules;
}

/** Saves a new segment or the changes to one; the list is fetched afresh after. */
export function useSaveSegment(onSaved: (s: Segment) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: SegmentDraft) =>
      call(
        id ? api.PATCH('/api/segments/{id}', { params: { path: { id } }, body }) : api.POST('/api/segments', { body }),
      ),
    onSuccess: (s) => {
      onSaved(s);
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}

export function useDeleteSegment(onDeleted: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/segments/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      onDeleted();
      void queryClient.invalidateQueries({ queryKey: LIST });
    },
  });
}

/**
 * The members the rules hold now, asked again a moment after the marketer stops changing them; with
 * `storeScope`, those of these stores only (a store's campaign as head office looks at it).
 */
export function useSegmentPreview(rules: SegmentRules, enabled = true, storeScope?: string[] | null) {
  const key = JSON.stringify({ rules, storeScope: storeScope ?? null });
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(key), 400);
    return () => clearTimeout(timer);
  }, [key]);
  return useQuery({
    queryKey: ['hq', 'segment-preview', settled],
    enabled,
    queryFn: () =>
      call(
        api.POST('/api/segments/preview', {
          body: JSON.parse(settled) as { rules: SegmentRules; storeScope: string[] | null },
        }),
      ),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Downloads the saved segment's members as CSV (POST: each export is in the audit trail). */
export function useExportSegment() {
  return useMutation({
    mutationFn: async (s: Segment) => {
      const blob = await call(
        api.POST('/api/segments/{id}/export.csv', { params: { path: { id: s.id } }, parseAs: 'blob' }),
      );
      saveFile(blob, `${s.name}.csv`);
    },
  });
}
