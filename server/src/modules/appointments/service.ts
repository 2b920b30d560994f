// The appointments module's public face (来店予約): server.ts, notifications and clienteling import from here.
export {
  offeredServices,
  storeServices,
  createService,
  updateService,
  staffSchedules,
  setShifts,
  blockTime,
  unblockTime,
  type ServiceInput,
  type ServiceView,
  type ShiftInput,
  type StaffSchedule,
} from './setup.ts';
export {
  slotsOf,
  bookAppointment,
  cancelMine,
  rebookMine,
  myAppointments,
  myAppointment,
  type BookingInput,
} from './booking.ts';
export {
  storeDay,
  moveAppointment,
  nextAppointmentOf,
  nextAppointmentPart,
  noShowCountOf,
  noShowCountPart,
  noShowCounts,
  type FloorView,
  type FloorAction,
} from './floor.ts';
export { sendAppointmentReminders, type ReminderStage } from './reminders.ts';
export { appointmentStatus } from './status.ts';
export { exportAppointments, eraseAppointments, appointmentsMergeStep } from './personal-data.ts';
export { appointmentRoutes } from './routes.ts';
export { nextAppointmentView, appointmentView } from './schemas.ts';
export type { AppointmentView } from './views.ts';
export { CANCEL_CUTOFF_HOURS } from './rules.ts';
