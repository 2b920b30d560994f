/**
 * A short, human label for a browser's User-Agent, for the list of signed-in devices (「ログイン中の端末」):
 * "Chrome · Windows", "Safari · iPhone", "LINE · Android". Browser and platform only, never versions:
 * the label helps her recognise a device, and the raw string is kept beside it. Null when neither is
 * recognised (the screen then says 「不明な端末」).
 *
 * A pattern list rather than a library: the handful of browsers and platforms our shoppers and clerks use
 * fit in a screen, and order matters where one browser dresses as another (Edge, Opera, Samsung Internet
 * and LINE's in-app browser all say "Chrome" and "Safari" too).
 */
const browsers: ReadonlyArray<[RegExp, string]> = [
  [/\bLine\//i, 'LINE'],
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\b(Headless)?Chrome\/|\bCriOS\/|\bChromium\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const platforms: ReadonlyArray<[RegExp, string]> = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMacintosh\b|\bMac OS X\b/, 'Mac'],
  [/\bLinux\b/, 'Linux'],
];

const first = (list: ReadonlyArray<[RegExp, string]>, ua: string) => list.find(([re]) => re.test(ua))?.[1];

/** "Browser · Platform" (either part alone when only one is known), or null. */
export function deviceLabel(userAgent: string | null | undefined): string | null {
  if (!userAgent) return null;
  const parts = [first(browsers, userAgent), first(platforms, userAgent)].filter((p): p is string => !!p);
  return parts.length ? parts.join(' · ') : null;
}
