/**
 * recommendations' public face (the composition root's): its routes, the refresh job, the reads, and the
 * card's suggestions handed to clienteling.
 */
export { recommendationRoutes } from './routes.ts';
export { recomputeNeighbours, refreshIfDue, REFRESH_EVERY_MS, type RefreshResult } from './refresh.ts';
export {
  alsoBought,
  alsoBoughtStatement,
  personalStatement,
  popularityRankSql,
  recommendFor,
  type Recommendation,
} from './reads.ts';
export { suggestAtStore } from './card-suggestions.ts';
