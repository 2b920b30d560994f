/** Japanese for 需要予測 (the demand forecast screen). */
export const forecastJa = {
  'hq.tab.forecast': '需要予測',
  'forecast.title': '需要予測 (今後28日)',
  'forecast.lead':
    '直近26週の全チャネルの注文から、店舗・倉庫ごとに商品 (色・サイズ別) の今後28日の販売数を予測します。毎日よく売れる商品は曜日の波と傾向を学ぶモデル (Holt-Winters) で、まれにしか売れない商品はカテゴリの曜日パターンで予測します。',
  'forecast.store': '店舗・倉庫',
  'forecast.accuracyTitle': '予測の精度 ({from}〜{to} を伏せて検証)',
  'forecast.accuracyLead':
    'それより前の注文だけで予測し、実際の販売数と比べました。誤差率 (WAPE) = 予測と実績の差の合計 ÷ 実績の合計。「先週と同じ」とみなす単純な予測と比べています。',
  'forecast.wape': '誤差率 (このモデル)',
  'forecast.naive': '誤差率 (先週と同じ)',
  'forecast.units': '実績 (点)',
  'forecast.overall': '全体',
  'forecast.byStore': '店舗・倉庫別',
  'forecast.byDepartment': 'カテゴリ別',
  'forecast.noCategory': 'カテゴリなし',
  'forecast.col.product': '商品',
  'forecast.col.next28': '今後28日の予測 (点)',
  'forecast.col.last28': '直近28日の実績 (点)',
  'forecast.col.method': '予測方法',
  'forecast.method.holt_winters': '商品ごとのモデル',
  'forecast.method.category_profile': 'カテゴリの曜日パターン',
  'forecast.none': 'この店舗の直近26週に販売がありません。',
  'forecast.from': '{date} から',
};
