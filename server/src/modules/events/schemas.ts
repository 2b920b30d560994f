import { cursorParam } from '../../platform/http/schemas.ts';
import { z } from 'zod';
import { eventChannels } from './schema.ts';
import { clientEventTypes, payloadSchemas, typesAtALocation, type ClientEventType } from './types.ts';

export const MAX_BATCH = 1000;

/**
 * A client event id: a UUID, a ULID or any 16–64 letters, digits and hyphens. No underscore, so a client
 * id can never collide with the ids the server makes (`evt_…`, `mcs_…`).
 */
export const eventId = z.string().regex(/^[0-9A-Za-z-]{16,64}$/);

/** The same device id format the identity layer links at login (customers/normalize.ts). */
export const deviceId = z.string().regex(/^[\w.:-]{8,128}$/);

const clientEvent = z
  .object({
    id: eventId,
    type: z.enum(clientEventTypes),
    occurredAt: z.iso.datetime({ offset: true }),
    channel: z.enum(eventChannels),
    deviceId: deviceId.optional(),
    customerId: z.string().min(1).max(64).optional(),
    locationId: z.string().min(1).max(64).optional(),
    payload: z.looseObject({}).default({}),
  })
  .superRefine((e, ctx) => {
    const schema = payloadSchemas[e.type as ClientEventType];
    // reportInput makes better messages but costs ~10× per parse: only a payload already known bad pays it.
    if (!schema.safeParse(e.payload).success) {
      for (const issue of schema.safeParse(e.payload, { reportInput: true }).error!.issues)
        ctx.addIssue({ ...issue, path: ['payload', ...issue.path] } as never);
    }
    if (!e.locationId && (e.channel === 'store' || typesAtALocation.has(e.type))) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['locationId'] });
    }
    // A store event is about somebody: the member at the till or the device in their hand.
    if (e.channel === 'store' && !e.customerId && !e.deviceId) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['customerId'] });
    }
  });

export type ClientEvent = z.infer<typeof clientEvent>;

export const ingestBody = z.object({ events: z.array(clientEvent).min(1).max(MAX_BATCH) });
export const ingestResult = z.object({ accepted: z.number().int(), duplicates: z.number().int() });

export const timelineItem = z.object({
  id: z.string(),
  type: z.string(),
  occurredAt: z.string(),
  channel: z.enum(eventChannels),
  locationId: z.string().nullable(),
  locationName: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
});

export const timelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam,
  types: z
    .string()
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(
      z
        .array(z.string().regex(/^[a-z][a-z0-9_]{0,39}$/))
        .min(1)
        .max(20),
    )
    .optional(),
});

export const timelinePage = z.object({ items: z.array(timelineItem), nextCursor: z.string().nullable() });
