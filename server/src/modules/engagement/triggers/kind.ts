import { z } from 'zod';
import type { Db } from '../../../platform/db/connection.ts';
import type { Job } from '../../../platform/jobs.ts';
import type { Subscriber } from '../../../platform/subscribers.ts';

/** What every trigger's settings hold: at most one firing per member per `cooldownDays`. */
export const cooldownDays = z.number().int().min(1).max(90);

export interface TriggerContext {
  db: Db;
  publicUrl?: string | undefined;
}

/**
 * A kind of trigger (the registry's entry, kinds.ts): its settings (a zod object whose `kind` is a
 * literal, with `cooldownDays` unless it is a service kind), the {{variables}} its message may use, and how it fires — the events it
 * listens to after commit and/or the periodic sweeps it runs. Each calls `fireTrigger` (engine.ts) per
 * member; the engine applies the rules.
 */
export interface TriggerKind<S extends z.ZodObject<{ kind: z.ZodLiteral<string> }>> {
  config: S;
  /** The HQ screen's name for it (ja). */
  label: string;
  /**
   * A service message (お知らせ（自動）: a hold's deadline, an order waiting at the counter) rather than
   * marketing: once per occasion, no cooldown, holdout, frequency cap or marketing consent; sent through
   * notifications' order-notice path. Its settings have no `cooldownDays`. (service-kinds.ts lists them.)
   */
  service?: boolean;
  variables: readonly string[];
  subscriptions?: (ctx: TriggerContext) => Array<{ pattern: string; name: string; handle: Subscriber }>;
  jobs?: (ctx: TriggerContext) => Job[];
}

export function defineTrigger<S extends z.ZodObject<{ kind: z.ZodLiteral<string> }>>(
  kind: TriggerKind<S>,
): TriggerKind<S> {
  return kind;
}
