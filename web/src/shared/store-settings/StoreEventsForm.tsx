import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { formatDate, formatTime, tokyo, tokyoToday } from '../format';
import { useLang, useT } from '../i18n';
import { Button, fieldError, ProblemBanner, SuccessBanner, TextAreaField, TextField } from '../ui';

const empty = { title: '', description: '', date: '', from: '10:00', to: '18:00' };

/**
 * 店舗イベント: what the store's page shows shoppers under イベント — today's and those of the next 60 days.
 * The store's manager and head office add and remove them; the store's staff read them.
 */
export function StoreEventsForm({ locationId, canEdit }: { locationId: string; canEdit: boolean }) {
  const t = useT();
  const lang = useLang();
  const qc = useQueryClient();
  const queryKey = ['store-events', locationId];
  const events = useQuery({
    queryKey,
    queryFn: () => call(api.GET('/api/locations/{id}/events', { params: { path: { id: locationId } } })),
  });
  const [form, setForm] = useState(() => ({ ...empty, date: tokyoToday() }));
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/locations/{id}/events', {
          params: { path: { id: locationId } },
          body: {
            title: form.title,
            description: form.description,
            startsAt: tokyo(`${form.date}T${form.from}`) ?? '',
            endsAt: tokyo(`${form.date}T${form.to}`) ?? '',
          },
        }),
      ),
    onSuccess: () => {
      setForm((f) => ({ ...empty, date: f.date }));
      void qc.invalidateQueries({ queryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (eventId: string) =>
      call(api.DELETE('/api/locations/{id}/events/{eventId}', { params: { path: { id: locationId, eventId } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey }),
  });
  const field = (key: keyof typeof empty) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => {
      add.reset();
      setForm((f) => ({ ...f, [key]: e.target.value }));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };

  return (
    <section className="card stack" aria-labelledby="store-events-title" data-testid="store-events-form">
      <h2 id="store-events-title">{t('storeEvents.title')}</h2>
      <p className="muted small">{t('storeEvents.intro')}</p>
      <ProblemBanner error={events.error ?? remove.error} />
      {events.data && !events.data.items.length && <p className="muted">{t('storeEvents.none')}</p>}
      <ul className="store-events">
        {events.data?.items.map((e) => (
          <li key={e.id} data-event={e.id}>
            <p className="small">
              {formatDate(e.startsAt, lang)} {formatTime(e.startsAt)}〜{formatTime(e.endsAt)}
            </p>
            <strong>{e.title}</strong>
            {e.description && <p className="small">{e.description}</p>}
            {canEdit && (
              <Button
                variant="ghost"
                aria-label={t('storeEvents.deleteLabel', { title: e.title })}
                busy={remove.isPending && remove.variables === e.id}
                onClick={() => remove.mutate(e.id)}
              >
                {t('storeEvents.delete')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {remove.isSuccess && <SuccessBanner>{t('storeEvents.deleted')}</SuccessBanner>}
      {canEdit && (
        <form className="stack" onSubmit={submit}>
          <h3>{t('storeEvents.add')}</h3>
          <div className="hq-form">
            <TextField
              label={t('storeEvents.eventTitle')}
              required
              maxLength={80}
              error={fieldError(add.error, 'title')}
              {...field('title')}
            />
            <TextField
              label={t('storeEvents.date')}
              type="date"
              required
              error={fieldError(add.error, 'startsAt')}
              {...field('date')}
            />
            <TextField label={t('storeEvents.from')} type="time" required {...field('from')} />
            <TextField
              label={t('storeEvents.to')}
              type="time"
              required
              error={fieldError(add.error, 'endsAt')}
              {...field('to')}
            />
          </div>
          <TextAreaField
            label={t('storeEvents.description')}
            maxLength={1000}
            rows={3}
            error={fieldError(add.error, 'description')}
            {...field('description')}
          />
          <ProblemBanner error={add.error} />
          {add.isSuccess && <SuccessBanner>{t('storeEvents.saved')}</SuccessBanner>}
          <Button type="submit" variant="primary" busy={add.isPending}>
            {t('storeEvents.save')}
          </Button>
        </form>
      )}
    </section>
  );
}
