import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const appointmentProblems = defineProblems({
  'appointments.not_found': {
    status: 404,
    ja: { title: '予約が見つかりません', detail: 'この予約は存在しないか、ご覧いただけません。' },
    en: { title: 'Appointment not found', detail: 'No such appointment, or it is not yours to see.' },
  },
  'appointments.service_not_found': {
    status: 404,
    ja: { title: '予約メニューが見つかりません', detail: 'このメニューは存在しないか、現在受け付けていません。' },
    en: { title: 'Service not found', detail: 'No such service at this store, or it is not taken now.' },
  },
  'appointments.slot_unavailable': {
    status: 422,
    ja: {
      title: 'この時間は予約できません',
      detail: '営業時間外・受付期間外、または予約枠ではない時間です。空いている時間からお選びください。',
    },
    en: {
      title: 'Not a bookable time',
      detail: 'Outside the hours or the booking window, or not a slot: pick one of the free times.',
    },
  },
  'appointments.slot_full': {
    status: 409,
    ja: { title: 'この時間は満席になりました', detail: '別の時間をお選びください。' },
    en: { title: 'That slot is full', detail: 'Someone booked the last place first: pick another time.' },
  },
  'appointments.overlapping': {
    status: 409,
    ja: { title: '同じ時間に予約があります', detail: 'この時間帯には別のご予約があります。' },
    en: { title: 'Another appointment then', detail: 'She already has an appointment at that time.' },
  },
  'appointments.too_many': {
    status: 409,
    ja: {
      title: '予約はこれ以上できません',
      detail: (p) => `同時にお持ちいただける予約は ${p.max} 件までです。`,
    },
    en: { title: 'Too many appointments', detail: (p) => `At most ${p.max} upcoming appointments at a time.` },
  },
  'appointments.cancel_too_late': {
    status: 409,
    ja: {
      title: 'キャンセル・変更の受付は終了しました',
      detail: (p) => `開始 ${p.hours} 時間前を過ぎたため、アプリからは変更できません。店舗へお電話ください。`,
    },
    en: {
      title: 'Too late to change',
      detail: (p) => `Changes close ${p.hours} hours before the start: please call the store.`,
    },
  },
  'appointments.wrong_status': {
    status: 409,
    ja: {
      title: 'この操作はできません',
      detail: (p) => `この予約は現在「${p.statusJa}」のため、この操作はできません。`,
    },
    en: { title: 'Not in that state', detail: (p) => `The appointment is ${p.status}: this cannot be done now.` },
  },
  'appointments.not_started': {
    status: 409,
    ja: { title: 'まだ開始時刻前です', detail: '無断キャンセルは予約の開始時刻を過ぎてから記録できます。' },
    en: { title: 'Not started yet', detail: 'A no-show is recorded only after the start time.' },
  },
  'appointments.staff_not_at_store': {
    status: 422,
    ja: { title: 'この店舗のスタッフではありません', detail: 'この店舗に所属するスタッフを選んでください。' },
    en: { title: 'Not staff of this store', detail: 'Choose staff who work at this store.' },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof appointmentProblems> {}
}
