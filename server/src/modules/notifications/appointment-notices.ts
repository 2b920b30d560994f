import type { Db } from '../../platform/db/connection.ts';
import { writeTogether } from '../../platform/db/together.ts';
import type { DomainEvent, Subscriber } from '../../platform/subscribers.ts';
import { appointmentStatus } from '../appointments/service.ts';
import { noticeWrites } from './notifier.ts';
import { jaDateTime } from './templates.ts';
import type { NotificationKind } from './schema.ts';

/** What an appointment event carries (appointments' `eventPayload`). */
interface AppointmentEvent {
  appointmentId: string;
  customerId: string;
  storeName: string;
  serviceName: string;
  startsAt: string;
  stage?: 'day_before' | 'soon';
  by?: 'customer' | 'store';
  rebookedAs?: string;
}

const LINK = '/account/appointments';

/** The words of each appointment notice (Japanese: the inbox, LINE and e-mail say the same). */
export function appointmentWords(
  name: string,
  e: AppointmentEvent,
): { kind: NotificationKind; title: string; body: string } | null {
  const when = jaDateTime(e.startsAt) ?? '';
  const what = `${e.storeName}「${e.serviceName}」${when}〜`;
  switch (name) {
    case 'appointment.booked':
      return {
        kind: 'appointment_booked',
        title: 'ご来店予約を承りました',
        body: `${what}のご予約を承りました。ご来店をお待ちしております。`,
      };
    case 'appointment.reminder':
      return e.stage === 'soon'
        ? {
            kind: 'appointment_reminder',
            title: 'まもなくご予約のお時間です',
            body: `${what}のご予約です。お気をつけてお越しください。`,
          }
        : {
            kind: 'appointment_reminder',
            title: '明日はご来店予約の日です',
            body: `${what}のご予約です。変更・キャンセルはマイページの「来店予約」から。`,
          };
    case 'appointment.cancelled':
      // A change of time cancels the old booking and books the new one: she hears of the new one only.
      if (e.rebookedAs) return null;
      return {
        kind: 'appointment_cancelled',
        title: 'ご来店予約をキャンセルしました',
        body: `${what}のご予約は${e.by === 'store' ? '店舗により' : ''}キャンセルされました。`,
      };
    default:
      return null;
  }
}

/**
 * Subscriber to `appointment.*`: her confirmation, reminders and cancellations — the inbox, LINE when she
 * linked it and an e-mail (transactional: no marketing consent), in one statement keyed by the event, so a
 * redelivered event writes nothing twice. A reminder for an appointment no longer booked (cancelled since the
 * sweep claimed it) is not sent.
 */
export function notifyAppointmentEvents(db: Db): Subscriber {
  return async (event: DomainEvent) => {
    const e = event.payload as unknown as AppointmentEvent;
    const words = appointmentWords(event.name, e);
    if (!words) return;
    if (event.name === 'appointment.reminder' && (await appointmentStatus(db, e.appointmentId)) !== 'booked') return;
    const payload = { ...e, title: words.title, body: words.body, link: LINK };
    await writeTogether(
      db,
      noticeWrites(db, {
        customerId: e.customerId,
        inbox: { kind: words.kind, payload },
        mail: { template: words.kind, payload },
        dedupeKey: `event:${event.id}`,
      }),
    );
  };
}
