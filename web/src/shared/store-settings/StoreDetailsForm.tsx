import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import type { Location } from '../api/types';
import { useT } from '../i18n';
import { Button, fieldError, ProblemBanner, SuccessBanner, TextField } from '../ui';
import { DAYS, HoursFields, normaliseWeek, type Week } from './HoursFields';
import { useFieldLabels } from './field-labels';

interface Form {
  name: string;
  address: string;
  phone: string;
  nearestStation: string;
  hours: Week;
  pickup: boolean;
  orderAhead: boolean;
  delivery: boolean;
  deliveryRadiusKm: string;
  shipping: boolean;
  pickupDays: string;
  amenities: Amenity[];
}

type Amenity = Location['amenities'][number];
/** The services a store may list, in the order shoppers see them (the server's AMENITIES). */
const AMENITIES: readonly Amenity[] = [
  'fitting',
  'alterations',
  'repair',
  'pickup_locker',
  'tax_free',
  'gift_wrapping',
  'parking',
  'accessible',
];

function formOf(l: Location): Form {
  const hours = Object.fromEntries(DAYS.map((d) => [d, l.openingHours[d] ?? null])) as Week;
  return {
    name: l.name,
    address: l.address,
    phone: l.phone,
    nearestStation: l.nearestStation,
    hours,
    pickup: l.services.pickup,
    orderAhead: l.services.orderAhead,
    delivery: l.services.deliveryRadiusKm !== null,
    deliveryRadiusKm: l.services.deliveryRadiusKm === null ? '' : String(l.services.deliveryRadiusKm),
    shipping: l.services.shipping,
    pickupDays: l.pickupDays === null ? '' : String(l.pickupDays),
    amenities: l.amenities,
  };
}

/** A number typed in a field (full-width too), null when empty, else the text so the server says what is wrong. */
function numberOr(s: string): number | string | null {
  const text = s.normalize('NFKC').trim();
  if (text === '') return null;
  return Number.isFinite(Number(text)) ? Number(text) : text;
}

/**
 * The store's details, opening hours, services and pickup days — one form, one save (PATCH). Head office
 * changes the name and address too; the store's manager the rest; everyone else reads.
 */
export function StoreDetailsForm({
  location,
  canEdit,
  headOffice,
}: {
  location: Location;
  canEdit: boolean;
  headOffice: boolean;
}) {
  const t = useT();
  const qc = useQueryClient();
  const labels = useFieldLabels();
  const [form, setForm] = useState<Form>(() => formOf(location));
  useEffect(() => setForm(formOf(location)), [location]);
  const save = useMutation({
    mutationFn: () => {
      const running = {
        phone: form.phone,
        nearestStation: form.nearestStation,
        openingHours: normaliseWeek(form.hours),
        services: {
          pickup: form.pickup,
          orderAhead: form.orderAhead,
          deliveryRadiusKm: form.delivery ? numberOr(form.deliveryRadiusKm) : null,
          shipping: form.shipping,
        },
        pickupDays: numberOr(form.pickupDays),
        amenities: form.amenities,
      };
      const body = headOffice ? { ...running, name: form.name, address: form.address } : running;
      return call(api.PATCH('/api/locations/{id}', { params: { path: { id: location.id } }, body: body as never }));
    },
    onSuccess: (saved) => {
      qc.setQueryData(['location', location.id], saved);
      void qc.invalidateQueries({ queryKey: ['locations'] });
    },
  });
  const change = (patch: Partial<Form>) => {
    save.reset();
    setForm((f) => ({ ...f, ...patch }));
  };
  const text = (key: 'name' | 'address' | 'phone' | 'nearestStation' | 'deliveryRadiusKm' | 'pickupDays') => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => change({ [key]: e.target.value }),
  });
  const check = (key: 'pickup' | 'orderAhead' | 'delivery' | 'shipping', label: string) => (
    <label className="check">
      <input type="checkbox" checked={form[key]} onChange={(e) => change({ [key]: e.target.checked })} /> {label}
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  return (
    <form className="card stack store-details" onSubmit={submit} data-testid="store-details">
      <fieldset className="stack plain-fieldset" disabled={!canEdit}>
        <h2>{t('storeSettings.details')}</h2>
        <div className="hq-form">
          <TextField
            label={t('storeSettings.name')}
            required
            maxLength={100}
            disabled={!headOffice}
            error={fieldError(save.error, 'name')}
            {...text('name')}
          />
          <TextField
            label={t('storeSettings.address')}
            required
            maxLength={200}
            disabled={!headOffice}
            error={fieldError(save.error, 'address')}
            {...text('address')}
          />
          <TextField
            label={t('storeSettings.phone')}
            inputMode="tel"
            maxLength={20}
            error={fieldError(save.error, 'phone')}
            {...text('phone')}
          />
          <TextField
            label={t('storeSettings.nearestStation')}
            maxLength={50}
            error={fieldError(save.error, 'nearestStation')}
            {...text('nearestStation')}
          />
        </div>
        {canEdit && !headOffice && <p className="muted small">{t('storeSettings.headOfficeOnly')}</p>}

        <h2>{t('storeSettings.hours')}</h2>
        <HoursFields value={form.hours} onChange={(hours) => change({ hours })} error={save.error} />

        <h2>{t('storeSettings.services')}</h2>
        <div className="check-column">
          {check('pickup', t('storeSettings.pickup'))}
          {check('orderAhead', t('storeSettings.orderAhead'))}
          {check('shipping', t('storeSettings.shipping'))}
          {check('delivery', t('storeSettings.delivery'))}
        </div>
        <h2>{t('storeSettings.amenities')}</h2>
        <p className="muted small">{t('storeSettings.amenitiesHint')}</p>
        <div className="check-column" data-testid="amenities">
          {AMENITIES.map((a) => (
            <label className="check" key={a}>
              <input
                type="checkbox"
                name="amenity"
                value={a}
                checked={form.amenities.includes(a)}
                onChange={(e) =>
                  change({
                    amenities: e.target.checked
                      ? AMENITIES.filter((x) => x === a || form.amenities.includes(x))
                      : form.amenities.filter((x) => x !== a),
                  })
                }
              />{' '}
              {t(`amenity.${a}`)}
            </label>
          ))}
        </div>
        <div className="hq-form">
          {form.delivery && (
            <TextField
              label={t('storeSettings.deliveryRadius')}
              hint={t('storeSettings.deliveryRadiusHint')}
              inputMode="decimal"
              required
              error={fieldError(save.error, 'services.deliveryRadiusKm')}
              {...text('deliveryRadiusKm')}
            />
          )}
          <TextField
            label={t('storeSettings.pickupDays')}
            hint={t('storeSettings.pickupDaysHint')}
            inputMode="numeric"
            error={fieldError(save.error, 'pickupDays')}
            {...text('pickupDays')}
          />
        </div>
      </fieldset>
      <ProblemBanner error={save.error} labels={labels} />
      {save.isSuccess && <SuccessBanner>{t('storeSettings.saved')}</SuccessBanner>}
      {canEdit ? (
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('storeSettings.save')}
        </Button>
      ) : (
        <p className="muted small">{t('storeSettings.readOnly')}</p>
      )}
    </form>
  );
}
