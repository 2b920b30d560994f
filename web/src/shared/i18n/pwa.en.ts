import type { pwaJa } from './pwa.ja';

export const pwaEn: Record<keyof typeof pwaJa, string> = {
  'pwa.update': 'A new version is available. Update between sales.',
  'pwa.reload': 'Update',
  'pwa.later': 'Later',
};
