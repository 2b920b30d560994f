/** Clienteling's public face: resolving a member code, the card a clerk sees when scanning it, and staff notes. */
export {
  memberCodeFor,
  resolveMember,
  scanInOne,
  type MemberLookup,
  type ResolvedCard,
  type ScanMethod,
} from './resolve.ts';
export {
  buildCard,
  cardParts,
  greeting,
  interestsStatement,
  summaryStatement,
  type CardCustomer,
  type CardSuggestion,
  type SuggestAtStore,
  CARD_SUGGESTIONS,
  type ClientelingCard,
} from './card.ts';
export { addNote, listNotes, type StaffNote } from './notes.ts';
export { recordOrderTimeline, timelineFact } from './order-timeline.ts';
export { assertActingFor, SCAN_VALID_MINUTES, type ActingFor } from './acting-for.ts';
export { liveCart, type LiveCart, type LiveCartLine } from './live-cart.ts';
export { cartStreamAdmission } from './cart-stream.ts';
export { orderForMember } from './endless-aisle.ts';
