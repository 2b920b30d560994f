import type { RefObject } from 'react';
import { useT } from '../../shared/i18n';
import { ProblemBanner } from '../../shared/ui';
import { ScanBox } from '../ScanBox';

/** The JAN field a scanner or the keyboard types into, and why the last scan was refused. */
export function ScanPane({
  onScan,
  inputRef,
  error,
}: {
  onScan: (jan: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  error: unknown;
}) {
  const t = useT();
  return (
    <>
      <ScanBox
        onScan={onScan}
        inputRef={inputRef}
        id="till-jan"
        label={t('till.scanLabel')}
        placeholder={t('till.scanPlaceholder')}
        hint={t('till.scanHint')}
        submitLabel={t('till.scanSubmit')}
      />
      <ProblemBanner error={error} />
    </>
  );
}
