/** The member may cancel or change an appointment in the app until this many hours before it starts. */
export const CANCEL_CUTOFF_HOURS = 2;
/** Upcoming appointments one member may hold at a time (all stores). */
export const MAX_UPCOMING = 5;
/** The reminders: the day before (within 24 h) and shortly before (within 2 h), each once. */
export const REMIND_DAY_BEFORE_HOURS = 24;
export const REMIND_SOON_HOURS = 2;
