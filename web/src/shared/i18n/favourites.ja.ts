/** Japanese for お気に入り: the heart on product cards and pages, and the list in マイページ. */
export const favouritesJa = {
  'favourites.title': 'お気に入り',
  'favourites.add': 'お気に入りに追加',
  'favourites.remove': 'お気に入りから外す',
  'favourites.addNamed': '{name}をお気に入りに追加',
  'favourites.removeNamed': '{name}をお気に入りから外す',
  'favourites.removeShort': '外す',
  'favourites.empty': 'お気に入りはまだありません。商品の ♡ を押すと、ここに並びます。',
  'favourites.count': '{n} 件（{max} 件まで）',
  'favourites.stockAt': '在庫は{store}のものです。',
  'favourites.archived': '販売終了',
  'favourites.notify': '入荷お知らせ',
  'favourites.notifyVariant': '入荷お知らせ（{variant}）',
  'favourites.notifyOn': '{store}に入荷したらお知らせします',
  'favourites.notifyOff': '{store}に入荷したらお知らせを受け取る',
  'account.menu.favourites': 'お気に入り',
  'account.menu.favouritesHint': '気になる商品・在庫・入荷お知らせ',
} as const;
