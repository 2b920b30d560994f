import { z } from 'zod';
import { deliveryStatuses } from './deliveries.ts';
import { notificationKinds } from './schema.ts';
import { signatureSchemes } from './webhooks.ts';
import { webhookEventPatterns } from './webhook-events.ts';

/** Request and response shapes of the notification routes: validation, types and OpenAPI in one. */

const int = z.number().int();

export const inboxView = z.object({
  unread: int,
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(notificationKinds),
      title: z.string(),
      body: z.string(),
      payload: z.record(z.string(), z.unknown()),
      createdAt: z.string(),
      readAt: z.string().nullable(),
    }),
  ),
  nextBefore: z.string().nullable().describe('Pass as `before` for the next (older) page; null on the last page'),
});
export const inboxQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.string().min(1).max(64).optional().describe('The last id of the previous page (its `nextBefore`)'),
});
export const unreadView = z.object({ unread: int });
export const readView = z.object({ id: z.string(), readAt: z.string() });
export const readAllView = z.object({
  read: int.describe('How many notices this marked read'),
  unread: int,
});

export const webhookBody = z.object({
  url: z
    .string()
    .url()
    .regex(/^https?:\/\//)
    .max(2000),
  events: z
    .array(z.enum(webhookEventPatterns))
    .min(1)
    .max(50)
    .describe("The events to receive: an event's name, a family ('order.*') or '*' (everything)"),
  secret: z
    .string()
    .min(16)
    .max(200)
    .optional()
    .describe('Standard: whsec_ + base64 of 24–64 bytes. Leave out to have one made (recommended).'),
  signature: z
    .enum(signatureSchemes)
    .optional()
    .describe(
      'How deliveries are signed: `standard` (Standard Webhooks, the default) or `legacy` (Musubi-Signature; kept for one release for existing receivers)',
    ),
});
const endpointFields = {
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  signature: z.enum(signatureSchemes),
  previousSecretUntil: z
    .string()
    .nullable()
    .describe('After a roll: the old secret still signs beside the new one until then (null: only the current one)'),
  active: z.boolean(),
  createdAt: z.string(),
};
export const rollSecretBody = z.object({
  signature: z
    .enum(signatureSchemes)
    .optional()
    .describe("`standard` moves a legacy endpoint to Standard Webhooks; left out: the endpoint's scheme stays"),
  overlapHours: z
    .number()
    .int()
    .min(0)
    .max(168)
    .optional()
    .describe('How long the old secret keeps signing beside the new one (standard scheme; default 24, 0 = at once)'),
});
export const createdEndpointView = z.object({
  ...endpointFields,
  secret: z.string().describe('The signing secret: shown only here'),
});
export const endpointList = z.object({
  items: z.array(
    z.object({
      ...endpointFields,
      recentDeliveries: z.array(
        z.object({
          id: z.string(),
          event: z.string(),
          attempts: int,
          deliveredAt: z.string().nullable(),
          failedAt: z.string().nullable(),
          nextAttemptAt: z.string().nullable(),
          lastStatus: int.nullable(),
          lastError: z.string().nullable(),
        }),
      ),
    }),
  ),
});

export const channelEnum = z.enum(['email', 'sms', 'push', 'line', 'webhook', 'event']);
export const deliverySchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  recipient: z.string(),
  recipientLabel: z.string().describe("The endpoint's URL for a webhook, the address otherwise"),
  customer: z
    .object({ id: z.string(), name: z.string().nullable(), memberNumber: z.string() })
    .nullable()
    .describe('The member an e-mail or LINE message went to, when known'),
  template: z.string().describe('E-mail/LINE template (order_ready …) or webhook event (order.ready …)'),
  status: z.enum(deliveryStatuses),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  deadAt: z.string().nullable(),
});
export const deliveryPageSchema = z.object({
  items: z.array(deliverySchema),
  nextBefore: z.number().int().nullable(),
  counts: z.object({ pending: z.number().int(), dead: z.number().int() }),
  byChannel: z.array(
    z.object({
      channel: z.string(),
      pending: z.number().int(),
      oldestPendingSeconds: z.number(),
      dead: z.number().int(),
    }),
  ),
});
export const deliveryQuery = z.object({
  status: z.enum(deliveryStatuses).default('dead'),
  channel: channelEnum.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
});
export const retryBody = z
  .object({
    ids: z.array(z.number().int().min(1)).min(1).max(500).optional(),
    allDead: z.literal(true).optional(),
    channel: channelEnum.optional(),
  })
  .refine((b) => !!b.ids !== !!b.allDead, { message: 'ids or allDead: true, not both', path: ['ids'] });
export const retryView = z.object({ retried: z.array(z.number().int()) });
