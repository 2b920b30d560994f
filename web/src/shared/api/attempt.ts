import { useRef } from 'react';
import { newIdempotencyKey } from './client';
import { problemOf } from '../ui';

/**
 * One Idempotency-Key per attempt of a write: kept when the answer was lost on the way (status 0: the
 * server may have done it, so the retry must replay), and a new one after any answer (the next submit is a
 * new attempt).
 */
export function useAttemptKey(): { readonly current: string; settled(error: unknown): void } {
  const key = useRef(newIdempotencyKey());
  return {
    get current() {
      return key.current;
    },
    settled(error: unknown) {
      if (problemOf(error)?.status !== 0) key.current = newIdempotencyKey();
    },
  };
}
