/** The installable app (shared/pwa.tsx). */
export const pwaJa = {
  'pwa.update': '新しいバージョンがあります。会計の合間に更新してください。',
  'pwa.reload': '更新する',
  'pwa.later': 'あとで',
};
