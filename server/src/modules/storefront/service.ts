/**
 * storefront's public face (the composition root's): the shop's browsing — listing, suggestions, home —
 * and the collections (特集) head office manages.
 */
export { storefrontRoutes } from './routes.ts';
export { listProducts, listingFacets, type ListingQuery, type Tile } from './listing.ts';
export {
  listCollections,
  createCollection,
  updateCollection,
  deleteCollection,
  type Collection,
} from './collections.ts';
export { shopHome, suggest } from './home.ts';
