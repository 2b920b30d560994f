import {
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type HTMLAttributes,
  type ReactNode,
  type RefObject,
} from 'react';
import { normaliseJan } from '../shared/format';
import { useT } from '../shared/i18n';
import { Button } from '../shared/ui';

function isTyping(el: Element | null): boolean {
  return (
    !!el &&
    (el instanceof HTMLInputElement ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement ||
      (el as HTMLElement).isContentEditable)
  );
}

interface ScanBoxProps {
  onScan: (code: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  /** Defaults are the JAN field of the stock screen; the member scan passes its own. */
  id?: string;
  label?: string;
  placeholder?: string;
  hint?: string;
  submitLabel?: string;
  inputMode?: HTMLAttributes<HTMLInputElement>['inputMode'];
  normalise?: (raw: string) => string;
  /** Keys typed with nothing focused that belong to a scan (the first character of it). */
  catchKeys?: RegExp;
  /** More controls under the field (the member scan's camera button). */
  children?: ReactNode;
}

/**
 * The scanner field. A keyboard-wedge scanner "types" the code and presses Enter, so a plain form is all
 * it needs; full-width characters (a Japanese IME left on) are folded. When nothing else has focus, a key
 * of a code typed anywhere on the page lands here, so a scan is never lost.
 */
export function ScanBox({
  onScan,
  inputRef,
  id = 'jan-input',
  label,
  placeholder,
  hint,
  submitLabel,
  inputMode = 'numeric',
  normalise = normaliseJan,
  catchKeys = /^[0-9０-９]$/,
  children,
}: ScanBoxProps) {
  const t = useT();
  const [value, setValue] = useState('');
  const ownRef = useRef({ inputRef, catchKeys });
  ownRef.current = { inputRef, catchKeys };

  useEffect(() => {
    const catchStrayKeys = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(document.activeElement)) return;
      if (ownRef.current.catchKeys.test(e.key)) ownRef.current.inputRef.current?.focus();
    };
    window.addEventListener('keydown', catchStrayKeys);
    return () => window.removeEventListener('keydown', catchStrayKeys);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const code = normalise(value);
    if (!code) return;
    onScan(code);
    setValue('');
  };

  return (
    <form className="scan-box" onSubmit={submit}>
      <label htmlFor={id} className="scan-label">
        {label ?? t('store.scan.label')}
      </label>
      <div className="scan-row">
        <input
          id={id}
          ref={inputRef}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          inputMode={inputMode}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          autoFocus
          enterKeyHint="search"
          placeholder={placeholder ?? t('store.scan.placeholder')}
          aria-describedby={`${id}-hint`}
        />
        <Button type="submit" variant="primary" size="lg">
          {submitLabel ?? t('store.scan.submit')}
        </Button>
      </div>
      <p id={`${id}-hint`} className="field-hint">
        {hint ?? t('store.scan.hint')}
      </p>
      {children}
    </form>
  );
}
