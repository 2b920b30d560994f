/** The sending rules every campaign and trigger obeys (one place): the frequency cap and quiet hours. */

/** At most this many marketing messages per member in any 7 days, across campaigns (the frequency cap). */
export const FREQUENCY_CAP = { messages: 2, days: 7 } as const;

/** LINE and push are not sent between 21:00 and 08:00 in Japan: held until 08:00. */
export function quietUntil(now: Date): Date | null {
  const tokyo = new Date(now.getTime() + 9 * 3600_000);
  const hour = tokyo.getUTCHours();
  if (hour >= 8 && hour < 21) return null;
  const morning = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate(), 8) - 9 * 3600_000;
  return new Date(hour >= 21 ? morning + 86400_000 : morning);
}
