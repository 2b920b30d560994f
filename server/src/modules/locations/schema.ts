import { boolean, doublePrecision, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export type OpeningHours = Record<
  'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun',
  { open: string; close: string } | null
>;
export interface LocationServices {
  pickup: boolean;
  orderAhead: boolean;
  /** Local delivery radius from this store, in km; null when the store does not deliver. */
  deliveryRadiusKm: number | null;
  shipping: boolean;
}

export const locations = pgTable('locations', {
  id: text().primaryKey(),
  code: text().notNull().unique(),
  name: text().notNull(),
  nameKana: text().notNull().default(''),
  nameEn: text().notNull().default(''),
  kind: text().notNull().$type<'store' | 'warehouse'>(),
  prefecture: text().notNull(),
  city: text().notNull(),
  address: text().notNull(),
  postalCode: text().notNull().default(''),
  phone: text().notNull().default(''),
  lat: doublePrecision().notNull(),
  lng: doublePrecision().notNull(),
  timezone: text().notNull().default('Asia/Tokyo'),
  openingHours: jsonb().$type<OpeningHours>().notNull(),
  services: jsonb().$type<LocationServices>().notNull(),
  nearestStation: text().notNull().default(''),
  active: boolean().notNull().default(true),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The business that runs the stores (one row, id 'business'): its name and the 適格請求書発行事業者登録番号
 * (T + 13 digits) every receipt carries, so a receipt is a 適格簡易請求書; its address and phone for the
 * online store's receipts. Set by the owner.
 */
export const businessProfile = pgTable('business_profile', {
  id: text().primaryKey(),
  name: text().notNull(),
  registrationNumber: text(),
  address: text().notNull().default(''),
  phone: text().notNull().default(''),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedBy: text(),
});
