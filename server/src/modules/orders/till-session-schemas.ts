import { z } from 'zod';

/**
 * Request and answer shapes of the till session routes (レジ開け・レジ締め): validation, the services' input
 * types and the OpenAPI document. Kept beside schemas.ts so the till's own shapes and these change apart.
 */

const id = z.string().min(1).max(64);
const yen = z.number().int().min(0).max(10_000_000);

export const tillOpenBody = z.object({
  locationId: id,
  /** The till's label (レジ1). */
  registerName: z.string().trim().min(1).max(40).optional(),
  /** 釣銭準備金: the cash in the drawer at opening. */
  float: yen,
});
export type TillOpenInput = z.infer<typeof tillOpenBody>;

export const tillCashMovementBody = z.object({
  kind: z.enum(['in', 'out']).describe('in: 入金, out: 出金'),
  amount: yen.min(1),
  reason: z.string().trim().min(1).max(200),
});
export type TillCashMovementInput = z.infer<typeof tillCashMovementBody>;

export const tillCloseBody = z.object({
  counted: z
    .record(z.string().max(8), z.number().int().min(0).max(9999))
    .describe(
      'Pieces counted per denomination in yen: {"10000": 3, "5000": 1, …, "1": 4}; a denomination left out is 0',
    ),
  note: z.string().trim().max(500).optional(),
});
export type TillCloseInput = z.infer<typeof tillCloseBody>;

export const tillCurrentQuery = z.object({ locationId: id });
export const tillReportsQuery = z.object({
  locationId: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const count = z.object({ count: z.number(), amount: z.number() });
export const tillFiguresView = z.object({
  float: z.number(),
  cashIn: z.number(),
  cashOut: z.number(),
  cashSales: z.number(),
  cashRefunds: z.number(),
  cashTopUps: count.describe('Wallet top-ups taken in cash (チャージ（現金）): in expectedCash, not in sales'),
  expectedCash: z.number(),
  salesCount: z.number(),
  offlineSalesCount: z.number(),
  grossSales: z.number(),
  discountTotal: z.number(),
  byMethod: z.object({ cash: count, terminal: count, qr: count, wallet: count, points: count }),
  byService: z.array(
    z.object({ method: z.enum(['terminal', 'qr']), service: z.string(), count: z.number(), amount: z.number() }),
  ),
  byStaff: z
    .array(z.object({ staffId: z.string(), name: z.string(), count: z.number(), amount: z.number() }))
    .optional()
    .describe('Sales per staff member who rang them (担当者別); absent from Z reports kept before it was added'),
  byTaxRate: z.array(z.object({ rate: z.number(), sales: z.number(), tax: z.number() })),
  refunds: z.object({
    count: z.number(),
    total: z.number(),
    byMethod: z.object({ cash: z.number(), card: z.number(), wallet: z.number(), points: z.number() }),
  }),
  netSales: z.number(),
  until: z.string(),
});

const staffRef = z.object({ id: z.string(), name: z.string() });
export const tillSessionView = z.object({
  id: z.string(),
  locationId: z.string(),
  locationName: z.string(),
  registerName: z.string(),
  status: z.enum(['open', 'closed']),
  float: z.number(),
  openedBy: staffRef,
  openedAt: z.string(),
  closedBy: staffRef.nullable(),
  closedAt: z.string().nullable(),
  cashMovements: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['in', 'out']),
      amount: z.number(),
      reason: z.string(),
      staffName: z.string(),
      createdAt: z.string(),
    }),
  ),
  counted: z.record(z.string(), z.number()).nullable(),
  countedCash: z.number().nullable(),
  expectedCash: z.number().nullable(),
  overShort: z.number().nullable(),
  zNumber: z.number().nullable(),
  note: z.string().nullable(),
  report: tillFiguresView.nullable(),
});
export const tillCurrentView = z.object({ session: tillSessionView.nullable() });
export const tillSessionList = z.object({ items: z.array(tillSessionView) });
