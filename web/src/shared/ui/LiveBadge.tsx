import type { LiveState } from '../live';
import { useT } from '../i18n';

/** Whether the numbers on screen follow the server in real time. */
export function LiveBadge({ state }: { state: LiveState }) {
  const t = useT();
  return (
    <span className={`live live-${state}`} data-live={state}>
      <span className="live-dot" aria-hidden="true" />
      {t(`live.${state}`)}
    </span>
  );
}
