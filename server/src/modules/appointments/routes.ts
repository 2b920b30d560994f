import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Db } from '../../platform/db/connection.ts';
import { idParam } from '../../platform/http/schemas.ts';
import { bookAppointment, cancelMine, myAppointment, myAppointments, rebookMine, slotsOf, storeOf } from './booking.ts';
import { moveAppointment, storeDay } from './floor.ts';
import { japanDate } from './calendar.ts';
import {
  blockTime,
  createService,
  offeredServices,
  setShifts,
  staffSchedules,
  storeServices,
  unblockTime,
  updateService,
} from './setup.ts';
import {
  appointmentView,
  bookingBody,
  floorView,
  instant,
  offeredServiceView,
  serviceChange,
  serviceInput,
  serviceView,
  shift,
  slotView,
  staffScheduleView,
} from './schemas.ts';

const id = z.string().min(1).max(64);
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'date',
  );
const hours = z.object({ open: z.string(), close: z.string() }).nullable();
const mine = z.object({ upcoming: z.array(appointmentView), past: z.array(appointmentView) });
const toBooking = (b: z.infer<typeof bookingBody>) => ({
  serviceId: b.serviceId,
  startsAt: new Date(b.startsAt),
  note: b.note,
});

/** 来店予約: the shop's booking (public menu and slots; her bookings), the store's day, the manager's setup. */
export const appointmentRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['appointments'];
    app.get(
      '/api/locations/:id/appointment-services',
      {
        schema: {
          tags,
          summary: 'The services a store takes appointments for (来店予約のメニュー), with its hours',
          security: [],
          params: idParam,
          response: {
            200: z.object({
              store: z.object({ id: z.string(), name: z.string(), openingHours: z.record(z.string(), hours) }),
              services: z.array(offeredServiceView),
            }),
          },
        },
      },
      async (req) => ({
        store: await storeOf(db, req.params.id),
        services: (await offeredServices(db, req.params.id)).map((s) => ({
          id: s.id,
          nameJa: s.nameJa,
          nameEn: s.nameEn,
          descriptionJa: s.descriptionJa,
          durationMinutes: s.durationMinutes,
        })),
      }),
    );
    app.get(
      '/api/appointment-services/:id/slots',
      {
        schema: {
          tags,
          summary: 'The free slots of a service on a day (Japan date), from 30 minutes ahead, up to 30 days out',
          description:
            'Computed from the store’s hours, the staff’s shifts and blocks, the service’s duration and capacity per ' +
            'staff member, and the bookings. Times are UTC instants; `time` is the start in Japan time.',
          security: [],
          params: idParam,
          querystring: z.object({ date }),
          response: { 200: z.object({ serviceId: z.string(), date: z.string(), slots: z.array(slotView) }) },
        },
      },
      async (req) => slotsOf(db, req.params.id, req.query.date),
    );

    // Hers (マイページ 予約): under /api/account so the member's cookie is the one sent.
    app.get(
      '/api/account/appointments',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Her appointments: upcoming (soonest first) and past (latest 20)',
          response: { 200: mine },
        },
      },
      async (req) => myAppointments(db, req.principal),
    );
    app.get(
      '/api/account/appointments/:id',
      {
        config: { customer: true },
        schema: { tags, summary: 'One of her appointments', params: idParam, response: { 200: appointmentView } },
      },
      async (req) => myAppointment(db, req.principal, req.params.id),
    );
    app.post(
      '/api/account/appointments',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Book a slot (members only); 409 when the slot filled meanwhile',
          description:
            'The slot must be one GET /api/appointment-services/{id}/slots offers. She hears it in her inbox (and ' +
            'e-mail, LINE) after commit; a reminder follows the day before and 2 hours before.',
          body: bookingBody,
          response: { 201: appointmentView },
        },
      },
      async (req, reply) => reply.code(201).send(await bookAppointment(db, req.principal, toBooking(req.body))),
    );
    app.post(
      '/api/account/appointments/:id/cancel',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Cancel her appointment (until 2 hours before it starts)',
          params: idParam,
          response: { 200: appointmentView },
        },
      },
      async (req) => cancelMine(db, req.principal, req.params.id),
    );
    app.post(
      '/api/account/appointments/:id/rebook',
      {
        config: { customer: true },
        schema: {
          tags,
          summary: 'Move her appointment to another slot at the same store (until 2 hours before it starts)',
          description: 'One transaction: when the new slot is full the old booking stays as it was.',
          params: idParam,
          body: bookingBody,
          response: { 200: appointmentView },
        },
      },
      async (req) => rebookMine(db, req.principal, req.params.id, toBooking(req.body)),
    );

    // The store's side.
    app.get(
      '/api/locations/:id/appointments',
      {
        schema: {
          tags,
          summary: 'The store’s appointments of a day (default today, Japan time): the board and the day list',
          params: idParam,
          querystring: z.object({ date: date.optional() }),
          response: { 200: z.object({ date: z.string(), items: z.array(floorView) }) },
        },
      },
      async (req) => {
        const day = req.query.date ?? japanDate(new Date());
        return { date: day, items: await storeDay(db, req.principal, req.params.id, day) };
      },
    );
    app.post(
      '/api/appointments/:id/status',
      {
        schema: {
          tags,
          summary:
            '来店 (check_in), 完了 (complete), 無断キャンセル (no_show, once started) or キャンセル (cancel) by the store',
          params: idParam,
          body: z.object({ action: z.enum(['check_in', 'complete', 'no_show', 'cancel']) }).strict(),
          response: { 200: floorView },
        },
      },
      async (req) => moveAppointment(db, req.principal, req.params.id, req.body.action),
    );

    // The manager's setup.
    app.get(
      '/api/appointment-services',
      {
        schema: {
          tags,
          summary: 'Every service of a store with the staff who do it (the store’s staff, head office)',
          querystring: z.object({ locationId: id }),
          response: { 200: z.object({ items: z.array(serviceView) }) },
        },
      },
      async (req) => ({ items: await storeServices(db, req.principal, req.query.locationId) }),
    );
    app.post(
      '/api/appointment-services',
      {
        schema: {
          tags,
          summary: 'Add a service to a store (its manager, head office)',
          body: serviceInput.extend({ locationId: id }),
          response: { 201: serviceView },
        },
      },
      async (req, reply) => {
        const { locationId, ...input } = req.body;
        return reply.code(201).send(await createService(db, req.principal, locationId, input));
      },
    );
    app.patch(
      '/api/appointment-services/:id',
      {
        schema: {
          tags,
          summary: 'Change a service (its store’s manager, head office); active=false stops new bookings',
          params: idParam,
          body: serviceChange,
          response: { 200: serviceView },
        },
      },
      async (req) => updateService(db, req.principal, req.params.id, req.body),
    );
    app.get(
      '/api/locations/:id/staff-schedules',
      {
        schema: {
          tags,
          summary: 'The store’s staff with their weekly shifts and coming blocks',
          params: idParam,
          response: { 200: z.object({ items: z.array(staffScheduleView) }) },
        },
      },
      async (req) => ({ items: await staffSchedules(db, req.principal, req.params.id) }),
    );
    app.put(
      '/api/locations/:id/staff-schedules/:staffId',
      {
        schema: {
          tags,
          summary: 'Set a staff member’s weekly shifts at the store (empty: all opening hours)',
          params: z.object({ id, staffId: id }),
          body: z.object({ shifts: z.array(shift).max(7) }).strict(),
          response: { 200: z.object({ shifts: z.array(shift) }) },
        },
      },
      async (req) => ({
        shifts: await setShifts(db, req.principal, req.params.id, req.params.staffId, req.body.shifts),
      }),
    );
    app.post(
      '/api/staff-time-blocks',
      {
        schema: {
          tags,
          summary: 'Block a staff member’s time (no appointment offered with her then)',
          body: z
            .object({
              locationId: id,
              staffId: id,
              startsAt: instant,
              endsAt: instant,
              reason: z.string().trim().max(100).default(''),
            })
            .strict(),
          response: {
            201: z.object({
              id: z.string(),
              staffId: z.string(),
              startsAt: z.string(),
              endsAt: z.string(),
              reason: z.string(),
            }),
          },
        },
      },
      async (req, reply) =>
        reply.code(201).send(
          await blockTime(db, req.principal, {
            ...req.body,
            startsAt: new Date(req.body.startsAt),
            endsAt: new Date(req.body.endsAt),
          }),
        ),
    );
    app.delete(
      '/api/staff-time-blocks/:id',
      { schema: { tags, summary: 'Lift a block', params: idParam, response: { 204: z.null() } } },
      async (req, reply) => {
        await unblockTime(db, req.principal, req.params.id);
        return reply.code(204).send(null);
      },
    );
  };
