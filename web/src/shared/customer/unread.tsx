import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { useT } from '../i18n';
import { useCustomerSession } from './session';

/** Everything of the inbox is cached under this key: marking read invalidates it, and the badge follows. */
export const INBOX_KEY = ['account', 'notifications'] as const;

/**
 * How many of her notices she has not read: one small query, asked again whenever the window regains focus
 * (a notice comes from a clerk's move in store, not from anything she does here). 0 when nobody is signed in.
 */
export function useUnreadNotices(): number {
  const signedIn = !!useCustomerSession();
  const unread = useQuery({
    queryKey: [...INBOX_KEY, 'unread'],
    queryFn: () => call(api.GET('/api/account/notifications/unread')),
    enabled: signedIn,
    refetchOnWindowFocus: 'always',
  });
  return signedIn ? (unread.data?.unread ?? 0) : 0;
}

/** The count in a small round badge, read out as 「未読 3件」; nothing when all is read. */
export function UnreadBadge({ n }: { n: number }) {
  const t = useT();
  if (n <= 0) return null;
  return (
    <span className="unread-badge" role="img" aria-label={t('inbox.unreadLabel', { n })} data-testid="unread-badge">
      {n > 99 ? '99+' : n}
    </span>
  );
}
