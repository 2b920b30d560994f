import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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

/**
 * What a shopper finds at the store besides the goods (店舗のサービス: お直し, 試着, 受け取りロッカー, 免税 …),
 * kept by the store's manager and shown on the store page. A fixed list, so every screen names each in ja/en.
 */
export const AMENITIES = [
  'fitting',
  'alterations',
  'repair',
  'pickup_locker',
  'tax_free',
  'gift_wrapping',
  'parking',
  'accessible',
] as const;
export type Amenity = (typeof AMENITIES)[number];

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
  /** Days a ready pickup waits at this store before it is cancelled; null: the chain's PICKUP_DAYS. */
  pickupDays: integer(),
  /** 店舗のサービス shown on the store page, in the order of AMENITIES. */
  amenities: jsonb().$type<Amenity[]>().notNull().default([]),
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
  /** The logo printed at the top of every receipt: a PNG (≤ 576 px wide, the 80 mm printer's dots), base64. */
  logo: text(),
  logoUpdatedAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedBy: text(),
});

/**
 * A store's receipt printer: an ESC/POS printer on the store's network, printed to over raw TCP (9100 by
 * default). Set by the store's manager; the till prints the receipt there, kicking the cash drawer on cash
 * sales when `drawerKick` is on (the drawer hangs off the printer).
 */
export const receiptPrinters = pgTable('receipt_printers', {
  locationId: text()
    .primaryKey()
    .references(() => locations.id),
  host: text().notNull(),
  port: integer().notNull().default(9100),
  enabled: boolean().notNull().default(true),
  drawerKick: boolean().notNull().default(true),
  /** Print every till sale as soon as it is rung up (else only on 「レシート印刷」). */
  autoPrint: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedBy: text(),
});

/**
 * A store event (店舗イベント: a trunk show, a workshop, a sale day): title, when, what — kept by the store's
 * manager and head office, shown to shoppers on the store page while it is today or still to come.
 */
export const storeEvents = pgTable(
  'store_events',
  {
    id: text().primaryKey(),
    locationId: text()
      .notNull()
      .references(() => locations.id),
    title: text().notNull(),
    description: text().notNull().default(''),
    startsAt: timestamp({ withTimezone: true }).notNull(),
    endsAt: timestamp({ withTimezone: true }).notNull(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.locationId, t.endsAt)],
);
