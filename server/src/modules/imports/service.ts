// The imports module's public face (rank 8, above every module whose service.ts it writes through).
export { importRoutes } from './routes.ts';
export {
  checkImport,
  startImport,
  resumeImports,
  getImport,
  listImports,
  importView,
  type ImportJob,
  type NewImport,
} from './jobs.ts';
export { decodeCsv } from './decode.ts';
