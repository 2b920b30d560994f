import { useState } from 'react';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, SuccessBanner, TextField, fieldError } from '../../shared/ui';
import { ChannelSelect } from './ChannelSelect';
import { useCouponBatch } from './useCoupons';

/** Issues a batch of single-use codes for a promotion and saves them as CSV. */
export function CouponBatchForm({ promotionId }: { promotionId: string }) {
  const t = useT();
  const [count, setCount] = useState('100');
  const [prefix, setPrefix] = useState('');
  const [issuedChannel, setIssuedChannel] = useState('');
  const batch = useCouponBatch(promotionId);
  return (
    <form
      className="hq-form"
      onSubmit={(e) => {
        e.preventDefault();
        batch.mutate({
          count: Number(count),
          prefix: prefix.trim() || undefined,
          issuedChannel: issuedChannel || null,
        });
      }}
    >
      <h3>{t('hq.coupons.batchTitle')}</h3>
      <TextField
        label={t('hq.coupons.count')}
        type="number"
        min={1}
        max={10000}
        value={count}
        onChange={(e) => setCount(e.target.value)}
        required
      />
      <TextField
        label={t('hq.coupons.prefix')}
        value={prefix}
        onChange={(e) => setPrefix(e.target.value.toUpperCase())}
        maxLength={8}
        autoComplete="off"
        error={fieldError(batch.error, 'prefix')}
      />
      <ChannelSelect label={t('hq.coupons.issuedChannel')} value={issuedChannel} onChange={setIssuedChannel} />
      <div>
        <Button type="submit" busy={batch.isPending}>
          {t('hq.coupons.generate')}
        </Button>
      </div>
      <ProblemBanner error={batch.error} />
      {batch.data && <SuccessBanner>{t('hq.coupons.generated', { n: batch.data.codes.length })}</SuccessBanner>}
    </form>
  );
}
