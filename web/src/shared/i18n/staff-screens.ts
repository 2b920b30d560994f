import { analyticsJa } from './analytics.ja';
import { analyticsEn } from './analytics.en';
import { auditJa } from './audit.ja';
import { auditEn } from './audit.en';
import { businessJa } from './business.ja';
import { businessEn } from './business.en';
import { cohortsJa } from './cohorts.ja';
import { cohortsEn } from './cohorts.en';
import { couponsJa } from './coupons.ja';
import { couponsEn } from './coupons.en';
import { forecastJa } from './forecast.ja';
import { forecastEn } from './forecast.en';
import { hqJa } from './hq.ja';
import { hqEn } from './hq.en';
import { importsJa } from './imports.ja';
import { importsEn } from './imports.en';
import { returnsJa } from './returns.ja';
import { returnsEn } from './returns.en';
import { rfmJa } from './rfm.ja';
import { rfmEn } from './rfm.en';
import { segmentsJa } from './segments.ja';
import { segmentsEn } from './segments.en';
import { staffJa } from './staff.ja';
import { staffEn } from './staff.en';
import { stockoutsJa } from './stockouts.ja';
import { stockoutsEn } from './stockouts.en';
import { storeSettingsJa } from './storeSettings.ja';
import { storeSettingsEn } from './storeSettings.en';
import { tillSessionJa } from './tillSession.ja';
import { tillSessionEn } from './tillSession.en';
import { valueJa } from './value.ja';
import { valueEn } from './value.en';
import { tillJa } from './till.ja';
import { tillEn } from './till.en';
import { storeFloorJa } from './storeFloor.ja';
import { storeFloorEn } from './storeFloor.en';
import { customersStaffJa } from './customersStaff.ja';
import { customersStaffEn } from './customersStaff.en';
import { clientelingJa } from './clienteling.ja';
import { clientelingEn } from './clienteling.en';
import { productsStaffJa } from './productsStaff.ja';
import { productsStaffEn } from './productsStaff.en';
import { catalogHqJa } from './catalogHq.ja';
import { catalogHqEn } from './catalogHq.en';
import { reviewsStaffJa } from './reviewsStaff.ja';
import { reviewsStaffEn } from './reviewsStaff.en';
import { scanAndGoStaffJa } from './scanAndGoStaff.ja';
import { scanAndGoStaffEn } from './scanAndGoStaff.en';
import { appointmentsStaffJa } from './appointmentsStaff.ja';
import { appointmentsStaffEn } from './appointmentsStaff.en';
import { addCatalogues } from './index';

/**
 * The words of the store's and head office's screens. They load with those screens (StaffRoutes imports this
 * file), not with the shop: a shopper's phone never downloads the till's or the analytics' catalogue. A key the
 * shop uses must live in the shop's catalogue (ja.ts and the files it spreads); shop-catalogue.test.ts checks it.
 */
export const staffScreensJa = {
  ...analyticsJa,
  ...auditJa,
  ...businessJa,
  ...cohortsJa,
  ...couponsJa,
  ...forecastJa,
  ...hqJa,
  ...importsJa,
  ...returnsJa,
  ...rfmJa,
  ...segmentsJa,
  ...staffJa,
  ...stockoutsJa,
  ...storeSettingsJa,
  ...tillSessionJa,
  ...valueJa,
  ...tillJa,
  ...storeFloorJa,
  ...customersStaffJa,
  ...clientelingJa,
  ...productsStaffJa,
  ...catalogHqJa,
  ...reviewsStaffJa,
  ...scanAndGoStaffJa,
  ...appointmentsStaffJa,
};

export const staffScreensEn: Record<keyof typeof staffScreensJa, string> = {
  ...analyticsEn,
  ...auditEn,
  ...businessEn,
  ...cohortsEn,
  ...couponsEn,
  ...forecastEn,
  ...hqEn,
  ...importsEn,
  ...returnsEn,
  ...rfmEn,
  ...segmentsEn,
  ...staffEn,
  ...stockoutsEn,
  ...storeSettingsEn,
  ...tillSessionEn,
  ...valueEn,
  ...tillEn,
  ...storeFloorEn,
  ...customersStaffEn,
  ...clientelingEn,
  ...productsStaffEn,
  ...catalogHqEn,
  ...reviewsStaffEn,
  ...scanAndGoStaffEn,
  ...appointmentsStaffEn,
};

export type StaffMessageKey = keyof typeof staffScreensJa;

addCatalogues({ ja: staffScreensJa, en: staffScreensEn });
