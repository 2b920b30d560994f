import { useState, type FormEvent } from 'react';
import { useT } from '../shared/i18n';
import { REPORT_REASONS, useReportReview, type ReportReason } from '../shared/reviews';
import { Button, fieldError, ProblemBanner, TextAreaField } from '../shared/ui';

/**
 * 報告する: she says why a review should not be there — 不適切な内容, 個人情報, 商品と無関係, その他 (with her
 * note) — once; head office sees it first in レビュー管理.
 */
export function ReportReview({ reviewId }: { reviewId: string }) {
  const t = useT();
  const report = useReportReview();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<ReportReason>('inappropriate');
  const [note, setNote] = useState('');
  if (report.isSuccess)
    return (
      <span className="muted" role="status">
        {t('reviews.reportThanks')}
      </span>
    );
  if (!open)
    return (
      <Button variant="ghost" onClick={() => setOpen(true)}>
        {t('reviews.report')}
      </Button>
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    report.mutate({ reviewId, reason, note });
  };
  return (
    <form className="report-review stack" onSubmit={submit} data-testid="report-review">
      <fieldset className="check-column plain-fieldset">
        <legend>{t('reviews.reportTitle')}</legend>
        {REPORT_REASONS.map((r) => (
          <label className="check" key={r}>
            <input
              type="radio"
              name={`report-${reviewId}`}
              value={r}
              checked={reason === r}
              onChange={() => setReason(r)}
            />{' '}
            {t(`reviews.reportReason.${r}`)}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        label={t('reviews.reportNote')}
        maxLength={500}
        rows={2}
        required={reason === 'other'}
        value={note}
        error={fieldError(report.error, 'note')}
        onChange={(e) => setNote(e.target.value)}
      />
      <ProblemBanner error={report.error} />
      <div className="review-actions">
        <Button type="submit" variant="primary" busy={report.isPending}>
          {t('reviews.reportSend')}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          {t('reviews.reportCancel')}
        </Button>
      </div>
    </form>
  );
}
