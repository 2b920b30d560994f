import { isMessageKey, type MessageKey, type Translate } from '../../shared/i18n';
import { staffScreensJa } from '../../shared/i18n/staff-screens';
import { formatDateTime } from '../../shared/format';
import type { Lang } from '../../shared/i18n';

/** Every action the screen names: the `audit.action.*` keys of the catalogue (audit.ja.ts), one place. */
export const AUDIT_ACTIONS: string[] = Object.keys(staffScreensJa)
  .filter((k) => k.startsWith('audit.action.') && k !== 'audit.action.unknown')
  .map((k) => k.slice('audit.action.'.length));

/** An action in the screen's words; one the catalogue does not know yet reads as 「その他の操作」. */
export function actionLabel(t: Translate, action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? t(key) : t('audit.action.unknown');
}

/** A field a row's detail names, or null when the screen has no words for it (then it is left out). */
function fieldLabel(t: Translate, field: string): string | null {
  const key = `audit.field.${field}`;
  return isMessageKey(key) ? t(key) : null;
}

const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  !!v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v;

const isHours = (v: unknown): v is { open: string; close: string } =>
  !!v && typeof v === 'object' && 'open' in v && 'close' in v;

/** A value before or after a change, in words: hours as 10:00〜21:00, a day without them 定休日, on/off. */
function valueText(t: Translate, field: string, v: unknown, lang: Lang): string {
  if (field.startsWith('openingHours.')) return isHours(v) ? t('audit.value.hours', v) : t('audit.value.closed');
  if (field.startsWith('shifts.'))
    return isHours(v) ? t('audit.value.hours', v) : t(v === 'all' ? 'audit.value.shift.all' : 'audit.value.shift.off');
  if (v === null || v === undefined || v === '') {
    if (field === 'pickupDays') return t('audit.value.chainDefault');
    return t('audit.value.none');
  }
  if (typeof v === 'boolean') return t(v ? 'audit.value.on' : 'audit.value.off');
  if (field === 'services.deliveryRadiusKm' && typeof v === 'number') return t('audit.value.km', { n: v });
  if (field === 'pickupDays' && typeof v === 'number') return t('audit.value.days', { n: v });
  if (field === 'points' && typeof v === 'number') return t('audit.value.points', { n: v });
  if (field === 'amount' && typeof v === 'number') return `¥${v.toLocaleString('ja-JP')}`;
  if (field === 'members' && typeof v === 'number') return t('audit.value.people', { n: v });
  if ((field === 'at' || field === 'startsAt' || field === 'endsAt') && typeof v === 'string')
    return formatDateTime(v, lang);
  if (field === 'durationMinutes' && typeof v === 'number') return t('audit.value.minutes', { n: v });
  if (field === 'staffIds' && Array.isArray(v)) return t('audit.value.people', { n: v.length });
  if (field === 'fields' && Array.isArray(v)) return v.map((f) => fieldLabel(t, String(f)) ?? String(f)).join('、');
  if (field === 'role' && isMessageKey(`role.${String(v)}`)) return t(`role.${String(v)}` as MessageKey);
  if (field === 'locationIds' && Array.isArray(v)) return t('audit.value.stores', { n: v.length });
  if (field === 'sessionsEnded' && typeof v === 'number') return t('audit.value.sessions', { n: v });
  if (field === 'logo' && (v === 'set' || v === 'removed')) return t(`audit.value.logo.${v}`);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * A row's detail in a line of the screen's language: each changed field as 「配達範囲: なし → 3.5 km」, or
 * the facts the action recorded (ポイント: 100 pt、理由: …). Fields the screen has no words for are left out
 * rather than shown as raw keys.
 */
export function detailSummary(t: Translate, detail: Record<string, unknown>, lang: Lang): string {
  const parts: string[] = [];
  const changes = detail.changes;
  if (changes && typeof changes === 'object') {
    for (const [field, c] of Object.entries(changes as Record<string, { from: unknown; to: unknown }>)) {
      const label = fieldLabel(t, field);
      if (!label) continue;
      parts.push(
        t('audit.change', {
          field: label,
          from: valueText(t, field, c.from, lang),
          to: valueText(t, field, c.to, lang),
        }),
      );
    }
  }
  for (const [field, v] of Object.entries(detail)) {
    if (field === 'changes' || field === 'kind') continue;
    const label = fieldLabel(t, field);
    if (!label || v === undefined || v === null) continue;
    // A field recorded as its own change ({from, to}: staff's role, name, stores) reads like one in `changes`.
    if (isChange(v))
      parts.push(
        t('audit.change', {
          field: label,
          from: valueText(t, field, v.from, lang),
          to: valueText(t, field, v.to, lang),
        }),
      );
    else parts.push(`${label}: ${valueText(t, field, v, lang)}`);
  }
  const kindKey = `audit.value.kind.${String(detail.kind)}`;
  const kind = isMessageKey(kindKey) ? t('audit.slotKind', { kind: t(kindKey as MessageKey) }) : '';
  return parts.join(lang === 'ja' ? '、' : '; ') + kind;
}
