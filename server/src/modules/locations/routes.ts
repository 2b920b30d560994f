import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileAnswer, idParam, latLng } from '../../platform/http/schemas.ts';
import type { Db } from '../../platform/db/connection.ts';
import { createLocation, getLocation, listLocations, updateLocation } from './service.ts';
import { getBusiness, getBusinessLogo, isRegistrationNumber, setBusinessLogo, updateBusiness } from './business.ts';
import { DomainError } from '../../platform/errors.ts';
import { getReceiptPrinter, isPrinterHost, setReceiptPrinter } from './receipt-printer.ts';
import { AMENITIES } from './schema.ts';
import { storeEventRoutes } from './store-event-routes.ts';

const hours = z.object({ open: z.string(), close: z.string() }).nullable();
export const locationSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  nameKana: z.string(),
  nameEn: z.string(),
  kind: z.enum(['store', 'warehouse']),
  prefecture: z.string(),
  city: z.string(),
  address: z.string(),
  postalCode: z.string(),
  phone: z.string(),
  lat: z.number(),
  lng: z.number(),
  timezone: z.string(),
  nearestStation: z.string(),
  pickupDays: z.number().int().nullable().describe("Days a ready pickup waits here; null: the chain's PICKUP_DAYS"),
  openingHours: z.record(z.string(), hours),
  services: z.object({
    pickup: z.boolean(),
    orderAhead: z.boolean(),
    deliveryRadiusKm: z.number().nullable(),
    shipping: z.boolean(),
  }),
  amenities: z
    .array(z.enum(AMENITIES))
    .describe('Services offered in the store (お直し, 試着, 受け取りロッカー, 免税 …), shown on the store page'),
  distanceKm: z.number().nullable(),
});

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'hh_mm');
const day = z.object({ open: time, close: time }).nullable();
// No .default() here: .partial() for PATCH would turn a default into an overwrite. The columns have defaults.
const locationBody = z.object({
  code: z.string().trim().min(1).max(20),
  name: z.string().trim().min(1).max(100),
  nameKana: z.string().max(100).optional(),
  nameEn: z.string().max(100).optional(),
  kind: z.enum(['store', 'warehouse']),
  prefecture: z.string().min(1).max(10),
  city: z.string().min(1).max(50),
  address: z.string().min(1).max(200),
  postalCode: z
    .string()
    .regex(/^\d{3}-?\d{4}$/, 'postal_code')
    .or(z.literal(''))
    .optional(),
  phone: z.string().max(20).optional(),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  timezone: z.string().max(40).optional(),
  nearestStation: z.string().max(50).optional(),
  pickupDays: z.number().int('pickup_days').min(1, 'pickup_days').max(60, 'pickup_days').nullable().optional(),
  openingHours: z.object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }),
  services: z.object({
    pickup: z.boolean(),
    orderAhead: z.boolean(),
    deliveryRadiusKm: z.number().positive('delivery_radius').max(50, 'delivery_radius').nullable(),
    shipping: z.boolean(),
  }),
  amenities: z.array(z.enum(AMENITIES)).max(AMENITIES.length).optional(),
});

const businessSchema = z.object({
  name: z.string(),
  registrationNumber: z.string().nullable().describe('適格請求書発行事業者登録番号: T + 13 digits, or null (not set)'),
  address: z.string(),
  phone: z.string(),
  logo: z.string().nullable().describe('The receipt logo’s address (GET /api/business/logo.png?v=…), or null'),
  updatedAt: z.string().nullable(),
});

const businessBody = z.object({
  name: z.string().trim().min(1).max(100),
  // Typed as people see it (T1234-5678-9012-3 or full-width): kept as T and 13 digits.
  registrationNumber: z
    .string()
    .transform((s) => s.normalize('NFKC').toUpperCase().replace(/[\s-]/g, ''))
    .refine(isRegistrationNumber, 'invoice_number')
    .nullable(),
  address: z.string().max(200).optional(),
  phone: z.string().max(20).optional(),
});

const receiptPrinterSchema = z.object({
  locationId: z.string(),
  host: z.string(),
  port: z.number().int(),
  enabled: z.boolean(),
  drawerKick: z.boolean().describe('Open the cash drawer (wired to the printer) on cash sales'),
  autoPrint: z.boolean().describe('Print each till sale as soon as it is rung up'),
  updatedAt: z.string(),
});

// The printer is on the store's LAN: private addresses are expected; only what is no address is refused.
const receiptPrinterBody = z.object({
  host: z.string().trim().min(1).max(253).refine(isPrinterHost, 'printer_host'),
  port: z.number().int('printer_port').min(1, 'printer_port').max(65535, 'printer_port').optional(),
  enabled: z.boolean().optional(),
  drawerKick: z.boolean().optional(),
  autoPrint: z.boolean().optional(),
});

function present(l: Awaited<ReturnType<typeof getLocation>> & { distanceKm?: number | null }) {
  const { active: _a, createdAt: _c, ...rest } = l;
  return { ...rest, distanceKm: l.distanceKm ?? null };
}

export const locationRoutes =
  (db: Db): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(storeEventRoutes(db));
    app.get(
      '/api/locations',
      {
        schema: {
          tags: ['locations'],
          summary: 'Stores and warehouses, nearest first when near= is given',
          security: [],
          querystring: z.object({
            near: latLng.optional(),
            radiusKm: z.coerce.number().positive().max(20000).optional(),
            kind: z.enum(['store', 'warehouse']).optional(),
          }),
          response: { 200: z.object({ items: z.array(locationSchema) }) },
        },
      },
      async (req) => ({ items: (await listLocations(db, req.query)).map(present) }),
    );

    app.get(
      '/api/locations/:id',
      {
        schema: {
          tags: ['locations'],
          summary: 'One location',
          security: [],
          params: idParam,
          response: { 200: locationSchema },
        },
      },
      async (req) => present(await getLocation(db, req.params.id)),
    );

    app.post(
      '/api/locations',
      {
        schema: {
          tags: ['locations'],
          summary: 'Open a store or warehouse (owner/hq)',
          body: locationBody,
          response: { 201: locationSchema },
        },
      },
      async (req, reply) => reply.code(201).send(present(await createLocation(db, req.principal, req.body))),
    );

    app.get(
      '/api/business',
      {
        schema: {
          tags: ['locations'],
          summary: 'The business that runs the stores: its name and invoice registration number (on every receipt)',
          security: [],
          response: { 200: businessSchema },
        },
      },
      async () => getBusiness(db),
    );

    app.put(
      '/api/business',
      {
        schema: {
          tags: ['locations'],
          summary: 'Set the business name, invoice registration number (T + 13 digits), address and phone (owner)',
          body: businessBody,
          response: { 200: businessSchema },
        },
      },
      async (req) => updateBusiness(db, req.principal, req.body),
    );

    app.get(
      '/api/business/logo.png',
      {
        schema: {
          tags: ['locations'],
          summary: 'The receipt logo (PNG; public, like the receipts it is printed on); 404 when none is set',
          security: [],
          response: {
            200: fileAnswer('image/png', 'The logo', 'binary'),
            304: z.null().describe('Not modified (If-None-Match)'),
          },
        },
      },
      async (req, reply) => {
        const logo = await getBusinessLogo(db);
        if (!logo) throw new DomainError('business.no_logo', {});
        const etag = `"${logo.version}"`;
        reply.header('etag', etag).header('cache-control', 'public, max-age=300');
        if (req.headers['if-none-match'] === etag) return reply.code(304).send(null);
        return reply.type('image/png').send(Buffer.from(logo.png, 'base64'));
      },
    );

    app.put(
      '/api/business/logo',
      {
        bodyLimit: 256 * 1024,
        schema: {
          tags: ['locations'],
          summary:
            'Set (a base64 PNG, at most 576 × 400 dots and 64 KB; black and white prints best) or remove (null) the receipt logo (owner)',
          body: z.object({ png: z.string().max(200_000).nullable() }),
          response: { 200: businessSchema },
        },
      },
      async (req) => setBusinessLogo(db, req.principal, req.body.png),
    );

    app.get(
      '/api/locations/:id/receipt-printer',
      {
        schema: {
          tags: ['locations'],
          summary: "The store's ESC/POS receipt printer (its staff and head office); null when none is set",
          params: idParam,
          response: { 200: z.object({ printer: receiptPrinterSchema.nullable() }) },
        },
      },
      async (req) => ({ printer: await getReceiptPrinter(db, req.principal, req.params.id) }),
    );

    app.put(
      '/api/locations/:id/receipt-printer',
      {
        schema: {
          tags: ['locations'],
          summary:
            "Set the store's ESC/POS receipt printer: host or IP on the store's network, raw TCP port (9100), cash drawer kick, automatic print (the store's manager, head office)",
          params: idParam,
          body: receiptPrinterBody,
          response: { 200: receiptPrinterSchema },
        },
      },
      async (req) => setReceiptPrinter(db, req.principal, req.params.id, req.body),
    );

    app.patch(
      '/api/locations/:id',
      {
        schema: {
          tags: ['locations'],
          summary:
            "Change a location (owner/hq; a store manager her own store's hours, services, in-store services (amenities), pickup days, phone and nearest station); active=false closes it. Audited",
          params: idParam,
          body: locationBody.partial().extend({ active: z.boolean().optional() }),
          response: { 200: locationSchema },
        },
      },
      async (req) => present(await updateLocation(db, req.principal, req.params.id, req.body)),
    );
  };
