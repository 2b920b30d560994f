// The favourites module's public face: other modules (clienteling's card) and server.ts import from here.
export {
  addFavourite,
  removeFavourite,
  joinFavourites,
  favouritesOf,
  MAX_FAVOURITES,
  type Favourite,
} from './favourites.ts';
export {
  listFavourites,
  favouritesAtStore,
  favouritesAtStorePart,
  LOW_STOCK,
  type FavouriteList,
  type FavouriteView,
  type StockBadge,
} from './list.ts';
export { exportFavourites, eraseFavourites, favouritesMergeStep } from './personal-data.ts';
export { favouriteRoutes } from './routes.ts';
export { favouriteView } from './schemas.ts';
