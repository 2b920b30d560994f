import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { normaliseJan } from '../shared/format';
import { useT } from '../shared/i18n';
import { Button } from '../shared/ui';

function isTyping(el: Element | null): boolean {
  return !!el && (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement).isContentEditable);
}

/**
 * The JAN field. A keyboard-wedge scanner "types" the digits and presses Enter, so a plain form is all it
 * needs; full-width digits (a Japanese IME left on) are folded. When nothing else has focus, a digit
 * typed anywhere on the page lands here, so a scan is never lost.
 */
export function ScanBox({ onScan, inputRef }: { onScan: (jan: string) => void; inputRef: RefObject<HTMLInputElement | null> }) {
  const t = useT();
  const [value, setValue] = useState('');
  const ownRef = useRef(inputRef);
  ownRef.current = inputRef;

  useEffect(() => {
    const catchStrayDigits = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      if (/^[0-9０-９]$/.test(e.key)) ownRef.current.current?.focus();
    };
    window.addEventListener('keydown', catchStrayDigits);
    return () => window.removeEventListener('keydown', catchStrayDigits);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const jan = normaliseJan(value);
    if (!jan) return;
    onScan(jan);
    setValue('');
  };

  return (
    <form className="scan-box" onSubmit={submit}>
      <label htmlFor="jan-input" className="scan-label">
        {t('store.scan.label')}
      </label>
      <div className="scan-row">
        <input
          id="jan-input"
          ref={inputRef}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          enterKeyHint="search"
          placeholder={t('store.scan.placeholder')}
          aria-describedby="jan-hint"
        />
        <Button type="submit" variant="primary" size="lg">
          {t('store.scan.submit')}
        </Button>
      </div>
      <p id="jan-hint" className="field-hint">
        {t('store.scan.hint')}
      </p>
    </form>
  );
}
