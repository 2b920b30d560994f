// Every table, for Drizzle's typed queries and for drizzle-kit, which generates server/drizzle/*.sql from it.
export * from './platform-schema.ts';
export * from '../../modules/locations/schema.ts';
export * from '../../modules/staff/schema.ts';
export * from '../../modules/catalog/schema.ts';
export * from '../../modules/inventory/schema.ts';
export * from '../../modules/customers/schema.ts';
export * from '../../modules/events/schema.ts';
export * from '../../modules/loyalty/schema.ts';
export * from '../../modules/orders/schema.ts';
export * from '../../modules/payments/schema.ts';
export * from '../../modules/promotions/schema.ts';
export * from '../../modules/notifications/schema.ts';
