/** The member of `list` that equals `value` (a select's value, a URL parameter), or undefined: a check instead of a cast. */
export function oneOf<T extends string>(list: readonly T[], value: string | null | undefined): T | undefined {
  return list.find((x) => x === value);
}
