import { useState } from 'react';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner, TextField, fieldError } from '../../shared/ui';
import { ChannelSelect } from './ChannelSelect';
import { useCreatePublicCoupon } from './useCoupons';

/** Creates a public code for a promotion (one code anyone may use, e.g. WINTER10). */
export function PublicCouponForm({ promotionId }: { promotionId: string }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [issuedChannel, setIssuedChannel] = useState('');
  const create = useCreatePublicCoupon(promotionId, () => setCode(''));
  return (
    <form
      className="hq-form"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ code: code.trim(), issuedChannel: issuedChannel || null });
      }}
    >
      <h3>{t('hq.coupons.publicTitle')}</h3>
      <TextField
        label={t('hq.coupons.code')}
        value={code}
        onChange={(e) => setCode(e.target.value.toUpperCase())}
        required
        minLength={4}
        maxLength={32}
        autoComplete="off"
        error={fieldError(create.error, 'code')}
      />
      <ChannelSelect label={t('hq.coupons.issuedChannel')} value={issuedChannel} onChange={setIssuedChannel} />
      <div>
        <Button type="submit" variant="primary" busy={create.isPending}>
          {t('hq.coupons.createPublic')}
        </Button>
      </div>
      <ProblemBanner error={create.error} />
    </form>
  );
}
