import type { Tier } from '../api/types';
import { useT } from '../i18n';

/** ゴールド / シルバー / レギュラー as a coloured pill (the same on the member card, the store card and HQ). */
export function TierBadge({ tier }: { tier: Tier }) {
  const t = useT();
  return (
    <span className={`tier tier-${tier}`} data-tier={tier}>
      {t(`tier.${tier}`)}
    </span>
  );
}
