import { useT } from '../../shared/i18n';
import { TextField, fieldError } from '../../shared/ui';
import type { Draft, SetDraft } from './draft';
import { VALUE_LABEL, VALUE_PARAM } from './kinds';

/** The numbers a promotion's kind asks for: buy X get Y, the bundle size, and the percent, amount or price. */
export function KindFields({ f, set, error }: { f: Draft; set: SetDraft; error: unknown }) {
  const t = useT();
  return (
    <>
      {(f.kind === 'buy_x_get_y' || f.kind === 'bundle_price') && (
        <p className="muted small">{t(f.kind === 'buy_x_get_y' ? 'hq.promo.bxgyHint' : 'hq.promo.bundleHint')}</p>
      )}
      {f.kind === 'buy_x_get_y' && (
        <>
          <TextField
            label={t('hq.promo.buy')}
            type="number"
            inputMode="numeric"
            min={1}
            max={99}
            value={f.buy}
            onChange={(e) => set('buy', e.target.value)}
            required
            error={fieldError(error, 'params.buy')}
          />
          <TextField
            label={t('hq.promo.get')}
            type="number"
            inputMode="numeric"
            min={1}
            max={99}
            value={f.get}
            onChange={(e) => set('get', e.target.value)}
            required
            error={fieldError(error, 'params.get')}
          />
        </>
      )}
      {f.kind === 'bundle_price' && (
        <TextField
          label={t('hq.promo.quantity')}
          type="number"
          inputMode="numeric"
          min={2}
          max={99}
          value={f.quantity}
          onChange={(e) => set('quantity', e.target.value)}
          required
          error={fieldError(error, 'params.quantity')}
        />
      )}
      <TextField
        label={t(VALUE_LABEL[f.kind])}
        type="number"
        inputMode="numeric"
        min={1}
        max={f.kind === 'percent_off' || f.kind === 'buy_x_get_y' ? 100 : undefined}
        value={f.value}
        onChange={(e) => set('value', e.target.value)}
        required={f.kind !== 'buy_x_get_y'}
        placeholder={f.kind === 'buy_x_get_y' ? '100' : undefined}
        error={fieldError(error, `params.${VALUE_PARAM[f.kind]}`)}
      />
    </>
  );
}
