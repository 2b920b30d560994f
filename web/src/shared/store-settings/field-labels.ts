import { isMessageKey, useT } from '../i18n';

/**
 * The server's field names (`pickupDays`, `services.deliveryRadiusKm`, `openingHours.mon.open`) in the
 * screen's words, for the problem banner: the audit trail's field labels are the same words.
 */
export function useFieldLabels(): Record<string, string> {
  const t = useT();
  const labels: Record<string, string> = {};
  for (const field of [
    'name',
    'address',
    'phone',
    'nearestStation',
    'pickupDays',
    'services.deliveryRadiusKm',
    'host',
    'port',
  ]) {
    const key = `audit.field.${field}`;
    if (isMessageKey(key)) labels[field] = t(key);
  }
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
    const key = `audit.field.openingHours.${day}`;
    if (!isMessageKey(key)) continue;
    labels[`openingHours.${day}.open`] = `${t(key)}（${t('storeSettings.open')}）`;
    labels[`openingHours.${day}.close`] = `${t(key)}（${t('storeSettings.close')}）`;
  }
  return labels;
}
