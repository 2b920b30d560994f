import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { paths } from '../shared/api/schema';
import { formatDateTime } from '../shared/format';
import { useLang, useT } from '../shared/i18n';
import { Link } from '../shared/router';
import { Button, ProblemBanner, SuccessBanner } from '../shared/ui';
import { SelectField, TextField } from '../shared/ui/Field';
import type { Session } from '../shared/staff-session';

type Service =
  paths['/api/appointment-services']['get']['responses'][200]['content']['application/json']['items'][number];
type Schedule =
  paths['/api/locations/{id}/staff-schedules']['get']['responses'][200]['content']['application/json']['items'][number];
type Shift = Schedule['shifts'][number];

const WEEK = [1, 2, 3, 4, 5, 6, 0] as const; // Monday first, as a shift rota reads
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DURATIONS = [15, 30, 45, 60, 90, 120, 180, 240];

/**
 * /store/:id/appointment-settings — 来店予約の設定 (the store's manager; head office too): the services with their
 * duration, capacity per staff member and who does them; the opening hours the slots follow (changed in 店舗設定);
 * each staff member's weekly shifts (none: all opening hours) and blocked time.
 */
export function AppointmentSettingsScreen({ session, locationId }: { session: Session; locationId: string }) {
  const t = useT();
  const servicesKey = ['appointment-services', locationId];
  const schedulesKey = ['staff-schedules', locationId];
  const services = useQuery({
    queryKey: servicesKey,
    queryFn: () => call(api.GET('/api/appointment-services', { params: { query: { locationId } } })),
  });
  const schedules = useQuery({
    queryKey: schedulesKey,
    queryFn: () => call(api.GET('/api/locations/{id}/staff-schedules', { params: { path: { id: locationId } } })),
  });
  const menu = useQuery({
    queryKey: ['appointment-menu', locationId],
    queryFn: () => call(api.GET('/api/locations/{id}/appointment-services', { params: { path: { id: locationId } } })),
  });
  const people = schedules.data?.items ?? [];
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const canEdit = session.staff.role !== 'staff';

  return (
    <main className="page store appointment-settings">
      <div className="section-head">
        <h1>{t('apptStaff.settingsTitle')}</h1>
        <Link href={`/store/${encodeURIComponent(locationId)}/appointments`}>{t('apptStaff.title')}</Link>
      </div>
      {!canEdit && <p className="card">{t('apptStaff.managerOnly')}</p>}
      <ProblemBanner error={services.error ?? schedules.error} />

      <section aria-labelledby="appt-services-title">
        <div className="section-head">
          <h2 id="appt-services-title">{t('apptStaff.services')}</h2>
          {canEdit && editing !== 'new' && (
            <Button onClick={() => setEditing('new')}>{t('apptStaff.addService')}</Button>
          )}
        </div>
        {editing === 'new' && <ServiceForm locationId={locationId} people={people} onDone={() => setEditing(null)} />}
        <ul className="appt-service-list">
          {services.data?.items.map((s) =>
            editing === s.id ? (
              <li key={s.id}>
                <ServiceForm locationId={locationId} people={people} service={s} onDone={() => setEditing(null)} />
              </li>
            ) : (
              <ServiceRow key={s.id} s={s} people={people} onEdit={canEdit ? () => setEditing(s.id) : undefined} />
            ),
          )}
        </ul>
      </section>

      <section aria-labelledby="appt-hours-title">
        <h2 id="appt-hours-title">{t('apptStaff.hours')}</h2>
        <p className="muted small">
          {t('apptStaff.hoursHint')}{' '}
          <Link href={`/store/${encodeURIComponent(locationId)}/settings`}>{t('storeSettings.link')}</Link>
        </p>
        {menu.data && (
          <dl className="facts">
            {WEEK.map((d) => {
              const h = menu.data.store.openingHours[DAY_KEYS[d]];
              return (
                <div key={d} className="contents">
                  <dt>{t(`apptStaff.weekday.${d}`)}</dt>
                  <dd>{h ? `${h.open}–${h.close}` : t('apptStaff.closed')}</dd>
                </div>
              );
            })}
          </dl>
        )}
      </section>

      <section aria-labelledby="appt-shifts-title">
        <h2 id="appt-shifts-title">{t('apptStaff.shifts')}</h2>
        <ul className="appt-shift-list">
          {people.map((p) => (
            <ShiftRow key={p.staffId} locationId={locationId} person={p} canEdit={canEdit} />
          ))}
        </ul>
      </section>

      <Blocks locationId={locationId} people={people} canEdit={canEdit} />
    </main>
  );
}

function ServiceRow({ s, people, onEdit }: { s: Service; people: Schedule[]; onEdit?: (() => void) | undefined }) {
  const t = useT();
  const names = people.filter((p) => s.staffIds.includes(p.staffId)).map((p) => p.name);
  return (
    <li className="card appt-service-row">
      <div>
        <strong>{s.nameJa}</strong>
        <div className="small">
          {t('apptStaff.minutes', { n: s.durationMinutes })}・{t('apptStaff.perStaff', { n: s.capacityPerStaff })}・
          {s.active ? t('apptStaff.active') : t('apptStaff.inactive')}
        </div>
        <div className="small muted">
          {t('apptStaff.who')}: {names.join('、') || '—'}
        </div>
      </div>
      {onEdit && <Button onClick={onEdit}>{t('apptStaff.editService')}</Button>}
    </li>
  );
}

function ServiceForm({
  locationId,
  people,
  service,
  onDone,
}: {
  locationId: string;
  people: Schedule[];
  service?: Service;
  onDone: () => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({
    nameJa: service?.nameJa ?? '',
    nameEn: service?.nameEn ?? '',
    descriptionJa: service?.descriptionJa ?? '',
    durationMinutes: service?.durationMinutes ?? 60,
    capacityPerStaff: service?.capacityPerStaff ?? 1,
    active: service?.active ?? true,
    staffIds: service?.staffIds ?? people.map((p) => p.staffId),
  });
  const save = useMutation({
    mutationFn: () =>
      service
        ? call(api.PATCH('/api/appointment-services/{id}', { params: { path: { id: service.id } }, body: form }))
        : call(api.POST('/api/appointment-services', { body: { ...form, locationId } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['appointment-services', locationId] });
      void queryClient.invalidateQueries({ queryKey: ['appointment-menu', locationId] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const toggleStaff = (id: string) =>
    setForm((f) => ({
      ...f,
      staffIds: f.staffIds.includes(id) ? f.staffIds.filter((x) => x !== id) : [...f.staffIds, id],
    }));
  return (
    <form className="card appt-service-form" onSubmit={submit}>
      <ProblemBanner error={save.error} />
      <TextField
        label={t('apptStaff.nameJa')}
        value={form.nameJa}
        required
        maxLength={40}
        onChange={(e) => setForm({ ...form, nameJa: e.target.value })}
      />
      <TextField
        label={t('apptStaff.nameEn')}
        value={form.nameEn}
        maxLength={60}
        lang="en"
        onChange={(e) => setForm({ ...form, nameEn: e.target.value })}
      />
      <TextField
        label={t('apptStaff.description')}
        value={form.descriptionJa}
        maxLength={200}
        onChange={(e) => setForm({ ...form, descriptionJa: e.target.value })}
      />
      <SelectField
        label={t('apptStaff.duration')}
        value={String(form.durationMinutes)}
        onChange={(e) => setForm({ ...form, durationMinutes: Number(e.target.value) })}
      >
        {DURATIONS.map((d) => (
          <option key={d} value={d}>
            {t('apptStaff.minutes', { n: d })}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t('apptStaff.capacity')}
        type="number"
        min={1}
        max={20}
        value={String(form.capacityPerStaff)}
        onChange={(e) => setForm({ ...form, capacityPerStaff: Math.max(1, Number(e.target.value) || 1) })}
      />
      <fieldset className="appt-who">
        <legend>{t('apptStaff.who')}</legend>
        {people.map((p) => (
          <label key={p.staffId} className="check">
            <input
              type="checkbox"
              checked={form.staffIds.includes(p.staffId)}
              onChange={() => toggleStaff(p.staffId)}
            />{' '}
            {p.name}
          </label>
        ))}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={form.active} onChange={(e) => setForm({ ...form, active: e.target.checked })} />{' '}
        {t('apptStaff.active')}
      </label>
      <div className="appt-actions">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {t('apptStaff.save')}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          {t('apptStaff.cancel')}
        </Button>
      </div>
    </form>
  );
}

function ShiftRow({ locationId, person, canEdit }: { locationId: string; person: Schedule; canEdit: boolean }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [shifts, setShifts] = useState<Shift[]>(person.shifts);
  const save = useMutation({
    mutationFn: () =>
      call(
        api.PUT('/api/locations/{id}/staff-schedules/{staffId}', {
          params: { path: { id: locationId, staffId: person.staffId } },
          body: { shifts },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['staff-schedules', locationId] });
      setOpen(false);
    },
  });
  const summary = person.shifts.length
    ? WEEK.filter((d) => person.shifts.some((s) => s.weekday === d))
        .map((d) => {
          const s = person.shifts.find((x) => x.weekday === d)!;
          return `${t(`apptStaff.weekday.${d}`)} ${s.startTime}–${s.endTime}`;
        })
        .join('、')
    : t('apptStaff.allHours');
  const setDay = (weekday: number, change: Partial<Shift> | null) =>
    setShifts((all) => {
      const rest = all.filter((s) => s.weekday !== weekday);
      if (change === null) return rest;
      const current = all.find((s) => s.weekday === weekday) ?? { weekday, startTime: '10:00', endTime: '19:00' };
      return [...rest, { ...current, ...change }];
    });
  return (
    <li className="card appt-shift">
      <div className="appt-shift-head">
        <strong>{person.name}</strong>
        <span className="small">{summary}</span>
        {canEdit && !open && <Button onClick={() => setOpen(true)}>{t('apptStaff.editShifts')}</Button>}
      </div>
      {open && (
        <div className="appt-shift-edit">
          <ProblemBanner error={save.error} />
          <label className="check">
            <input type="checkbox" checked={shifts.length === 0} onChange={(e) => e.target.checked && setShifts([])} />{' '}
            {t('apptStaff.allHours')}
          </label>
          {WEEK.map((d) => {
            const s = shifts.find((x) => x.weekday === d);
            return (
              <div key={d} className="appt-shift-day">
                <label className="check">
                  <input type="checkbox" checked={!!s} onChange={(e) => setDay(d, e.target.checked ? {} : null)} />{' '}
                  {t(`apptStaff.weekday.${d}`)} {t('apptStaff.works')}
                </label>
                {s && (
                  <>
                    <input
                      type="time"
                      aria-label={`${t(`apptStaff.weekday.${d}`)} ${t('apptStaff.from')}`}
                      value={s.startTime}
                      step={1800}
                      onChange={(e) => setDay(d, { startTime: e.target.value })}
                    />
                    <span>–</span>
                    <input
                      type="time"
                      aria-label={`${t(`apptStaff.weekday.${d}`)} ${t('apptStaff.to')}`}
                      value={s.endTime}
                      step={1800}
                      onChange={(e) => setDay(d, { endTime: e.target.value })}
                    />
                  </>
                )}
              </div>
            );
          })}
          <div className="appt-actions">
            <Button variant="primary" busy={save.isPending} onClick={() => save.mutate()}>
              {t('apptStaff.save')}
            </Button>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              {t('apptStaff.cancel')}
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

/** A datetime-local value (Japan time on a Japanese device) as an instant with its offset. */
const toInstant = (local: string) => `${local}:00+09:00`;

function Blocks({ locationId, people, canEdit }: { locationId: string; people: Schedule[]; canEdit: boolean }) {
  const t = useT();
  const lang = useLang();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ staffId: '', startsAt: '', endsAt: '', reason: '' });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['staff-schedules', locationId] });
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/staff-time-blocks', {
          body: {
            locationId,
            staffId: form.staffId || people[0]!.staffId,
            startsAt: toInstant(form.startsAt),
            endsAt: toInstant(form.endsAt),
            reason: form.reason,
          },
        }),
      ),
    onSuccess: () => {
      setForm({ staffId: '', startsAt: '', endsAt: '', reason: '' });
      refresh();
    },
  });
  const lift = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/staff-time-blocks/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  const blocks = people.flatMap((p) => p.blocks.map((b) => ({ ...b, name: p.name })));
  return (
    <section aria-labelledby="appt-blocks-title">
      <h2 id="appt-blocks-title">{t('apptStaff.blocks')}</h2>
      <ProblemBanner error={add.error ?? lift.error} />
      {add.isSuccess && <SuccessBanner>{t('apptStaff.saved')}</SuccessBanner>}
      {blocks.length === 0 && <p className="muted">{t('apptStaff.noBlocks')}</p>}
      <ul className="appt-block-list">
        {blocks.map((b) => (
          <li key={b.id} className="card appt-block">
            <span>
              <strong>{b.name}</strong> {formatDateTime(b.startsAt, lang)}–{formatDateTime(b.endsAt, lang)} {b.reason}
            </span>
            {canEdit && (
              <Button
                variant="ghost"
                busy={lift.isPending && lift.variables === b.id}
                onClick={() => lift.mutate(b.id)}
              >
                {t('apptStaff.removeBlock')}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {canEdit && people.length > 0 && (
        <form
          className="card appt-block-form"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <SelectField
            label={t('apptStaff.staff')}
            value={form.staffId || people[0]!.staffId}
            onChange={(e) => setForm({ ...form, staffId: e.target.value })}
          >
            {people.map((p) => (
              <option key={p.staffId} value={p.staffId}>
                {p.name}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('apptStaff.blockStart')}
            type="datetime-local"
            required
            value={form.startsAt}
            onChange={(e) => setForm({ ...form, startsAt: e.target.value })}
          />
          <TextField
            label={t('apptStaff.blockEnd')}
            type="datetime-local"
            required
            value={form.endsAt}
            onChange={(e) => setForm({ ...form, endsAt: e.target.value })}
          />
          <TextField
            label={t('apptStaff.blockReason')}
            value={form.reason}
            maxLength={100}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          />
          <Button type="submit" variant="primary" busy={add.isPending}>
            {t('apptStaff.addBlock')}
          </Button>
        </form>
      )}
    </section>
  );
}
