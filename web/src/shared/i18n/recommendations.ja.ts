/** Japanese for recommendations: the product page, the shop's home, the clienteling card. */
export const recommendationsJa = {
  'recs.alsoBought': '一緒に買われている商品',
  'recs.forYou': 'あなたへのおすすめ',
  'recs.forYouHint': 'ご購入・閲覧の履歴（オンライン・店舗）から選んでいます。',
  'recs.basedOn': '「{name}」をお求めの方に',
  'recs.popular': '人気の商品',
  'card.suggestions': 'おすすめ 3点',
  'card.suggestionsHint': 'この店に在庫があり、まだお買い上げのない商品',
  'card.suggestionsNone': 'この店の在庫からおすすめできる商品はまだありません。',
  'card.suggestionBasedOn': '「{name}」をお求めの方に',
  'card.suggestionPopular': '人気の商品',
} as const;
