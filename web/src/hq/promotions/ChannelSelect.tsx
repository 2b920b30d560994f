import { useT } from '../../shared/i18n';
import { SelectField } from '../../shared/ui';
import { CHANNELS } from './kinds';

/** Picks the channel a coupon is handed out on, or none ('—'). */
export function ChannelSelect({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const t = useT();
  return (
    <SelectField label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">—</option>
      {CHANNELS.map((c) => (
        <option key={c} value={c}>
          {t(`channel.${c}`)}
        </option>
      ))}
    </SelectField>
  );
}
