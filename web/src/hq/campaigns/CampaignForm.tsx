import { useState, type FormEvent } from 'react';
import { useT } from '../../shared/i18n';
import { Button, fieldError, ProblemBanner, SelectField, TextAreaField, TextField } from '../../shared/ui';
import { useSegments } from '../segments/useSegments';
import { discountText } from '../../shared/customer/Coupons';
import { useCreateCampaign } from './useCampaigns';
import { useOfferChoices } from './useOffers';

/** A new campaign draft: who (a saved segment), what (title, body, a link on this site), and the holdout. */
export function CampaignForm({ onCreated }: { onCreated: (id: string) => void }) {
  const t = useT();
  const segments = useSegments();
  const offers = useOfferChoices();
  const blank = { name: '', segmentId: '', title: '', body: '', link: '', holdoutPercent: '10', offerCouponId: '' };
  const [f, setF] = useState(blank);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const create = useCreateCampaign((id) => {
    setF(blank);
    onCreated(id);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: f.name,
      segmentId: f.segmentId,
      title: f.title,
      body: f.body,
      link: f.link.trim() || null,
      holdoutPercent: Number(f.holdoutPercent),
      offerCouponId: f.offerCouponId || null,
    });
  };
  const err = (field: string) => fieldError(create.error, field);
  const labels = {
    name: t('hq.campaigns.name'),
    segmentId: t('hq.campaigns.segment'),
    title: t('hq.campaigns.messageTitle'),
    body: t('hq.campaigns.body'),
    link: t('hq.campaigns.link'),
    holdoutPercent: t('hq.campaigns.holdout'),
    offerCouponId: t('hq.campaigns.offer'),
  };
  return (
    <form className="card campaign-form" onSubmit={submit}>
      <h2>{t('hq.campaigns.new')}</h2>
      <TextField
        label={labels.name}
        value={f.name}
        onChange={set('name')}
        required
        maxLength={100}
        error={err('name')}
      />
      <SelectField
        label={labels.segmentId}
        value={f.segmentId}
        onChange={set('segmentId')}
        required
        error={err('segmentId')}
        hint={t('hq.campaigns.segmentHint')}
      >
        <option value="">{t('hq.campaigns.pickSegment')}</option>
        {(segments.data ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label={labels.title}
        value={f.title}
        onChange={set('title')}
        required
        maxLength={100}
        error={err('title')}
      />
      <TextAreaField
        label={labels.body}
        value={f.body}
        onChange={set('body')}
        required
        maxLength={1000}
        rows={4}
        error={err('body')}
      />
      <TextField
        label={labels.link}
        value={f.link}
        onChange={set('link')}
        placeholder="/shop"
        hint={t('hq.campaigns.linkHint')}
        error={err('link')}
      />
      <SelectField
        label={labels.offerCouponId}
        value={f.offerCouponId}
        onChange={set('offerCouponId')}
        error={err('offerCouponId')}
        hint={t('hq.campaigns.offerHint')}
      >
        <option value="">{t('hq.campaigns.noOffer')}</option>
        {(offers.data ?? []).map((o) => (
          <option key={o.couponId} value={o.couponId}>
            {o.promotionName}（{discountText(t, o)}）
          </option>
        ))}
      </SelectField>
      <TextField
        label={labels.holdoutPercent}
        type="number"
        min={0}
        max={50}
        value={f.holdoutPercent}
        onChange={set('holdoutPercent')}
        hint={t('hq.campaigns.holdoutHint')}
        error={err('holdoutPercent')}
      />
      <ProblemBanner error={create.error} labels={labels} />
      <Button type="submit" variant="primary" busy={create.isPending}>
        {t('hq.campaigns.saveDraft')}
      </Button>
    </form>
  );
}
