// The inventory module's public face: other modules import from here, never from schema.ts.
export {
  moveStock,
  receiveTransfer,
  listTransfers,
  listMovements,
  type MoveInput,
  type MoveResult,
  type MoveKind,
} from './movements.ts';
export {
  reserveStock,
  releaseReservation,
  commitReservation,
  extendReservation,
  finishIn,
  getReservation,
  listReservations,
  type Reservation,
  type ReserveInput,
  type ReservationLine,
} from './reservations.ts';
export {
  reserveInStatement,
  stockRefusalOf,
  stockRefusalProblem,
  type ReservationToMake,
  type StockInStatement,
  type StockRefusal,
} from './reserve-together.ts';
export {
  availabilityOfVariant,
  availabilityOfVariants,
  availabilityAtLocation,
  availabilityAt,
  availabilityOfProduct,
  levelsAtLocation,
} from './availability.ts';
export { sweepExpired } from './expiry.ts';
export { planCounts, recordCounts, type CountedStock } from './counts.ts';
export { moveReservations } from './references.ts';
export { sellAtTill, type TillLine } from './till.ts';
export { listReconciliations, resolveReconciliation, type Reconciliation } from './reconciliations.ts';
export { returnAtLocation, DAMAGED_RETURN_REASON, type ReturnLine } from './returns.ts';
export { BACK_IN_STOCK, type BackInStock } from './back-in-stock.ts';
export { announceLowStock, setReorderPoint, LEVEL_CHANGED, LOW_STOCK, type LevelChanged } from './low-stock.ts';
export type { Level } from './levels.ts';
import './problems.ts';
export { stockStreamFilter } from './stream.ts';
export { inStockSql, availableAtSql, variantInStockAtSql } from './audience.ts';
export { stockoutSpellsSql, ledgerNewestSql, ledgerTouchedSql } from './stockout-spells.ts';
