import type { Variant } from '../shared/api/types';
import { describeOptions } from '../shared/format';
import { useT } from '../shared/i18n';

/** The option names in order of first appearance: サイズ, カラー … */
function optionAxes(variants: Variant[]): { name: string; values: string[] }[] {
  const axes = new Map<string, string[]>();
  for (const v of variants) {
    for (const [name, value] of Object.entries(v.options)) {
      const values = axes.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      axes.set(name, values);
    }
  }
  return [...axes].map(([name, values]) => ({ name, values }));
}

/**
 * Choose a variant by its options (one row of buttons per option), or from a plain list when the variants
 * have no options. A value that does not exist with the other current choices is shown dimmed; picking it
 * jumps to the first variant that has it.
 */
export function VariantPicker({
  variants,
  selected,
  onSelect,
}: {
  variants: Variant[];
  selected: Variant;
  onSelect: (id: string) => void;
}) {
  const t = useT();
  const axes = optionAxes(variants);

  if (axes.length === 0) {
    if (variants.length < 2) return null;
    return (
      <fieldset className="variant-axis">
        <legend>{t('shop.product.variant')}</legend>
        <div className="chips">
          {variants.map((v) => (
            <button
              key={v.id}
              type="button"
              className="chip"
              aria-pressed={v.id === selected.id}
              onClick={() => onSelect(v.id)}
            >
              {v.sku}
            </button>
          ))}
        </div>
      </fieldset>
    );
  }

  const withValue = (name: string, value: string) => {
    const wanted = { ...selected.options, [name]: value };
    return (
      variants.find((v) => Object.entries(wanted).every(([k, x]) => v.options[k] === x)) ??
      variants.find((v) => v.options[name] === value)
    );
  };

  return (
    <>
      {axes.map((axis) => (
        <fieldset key={axis.name} className="variant-axis">
          <legend>
            {axis.name}: <strong>{selected.options[axis.name] ?? '—'}</strong>
          </legend>
          <div className="chips">
            {axis.values.map((value) => {
              const target = withValue(axis.name, value);
              const exact =
                target &&
                Object.entries({ ...selected.options, [axis.name]: value }).every(([k, x]) => target.options[k] === x);
              return (
                <button
                  key={value}
                  type="button"
                  className={`chip${exact ? '' : ' chip-dim'}`}
                  aria-pressed={selected.options[axis.name] === value}
                  onClick={() => target && onSelect(target.id)}
                  title={target ? describeOptions(target.options) : undefined}
                >
                  {value}
                </button>
              );
            })}
          </div>
        </fieldset>
      ))}
    </>
  );
}
