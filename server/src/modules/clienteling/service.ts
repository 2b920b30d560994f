/** Clienteling's public face: the member code, the card a clerk sees when scanning it, and staff notes. */
export {
  memberCodeKey,
  issueMemberCode,
  verifyMemberCode,
  WINDOW_SECONDS,
  type IssuedCode,
  type MemberCodeKey,
  type VerifiedCode,
} from './member-code.ts';
export { memberCodeFor, resolveMember, type MemberLookup, type ResolvedCard, type ScanMethod } from './resolve.ts';
export {
  buildCard,
  greeting,
  interestsStatement,
  summaryStatement,
  type CardCustomer,
  type ClientelingCard,
} from './card.ts';
export { addNote, listNotes, type StaffNote } from './notes.ts';
export { recordOrderTimeline, timelineFact } from './order-timeline.ts';
