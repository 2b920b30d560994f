/** 会社情報・インボイス (hq/BusinessScreen.tsx) and the receipts' business lines. */
export const businessJa = {
  'hq.tab.business': '会社情報',
  'hq.business.title': '会社情報・インボイス',
  'hq.business.intro':
    'レシート・領収書に印字する事業者名と適格請求書発行事業者の登録番号です。軽減税率対象の※印と税率ごとの消費税とあわせて、レシートが適格簡易請求書になります。住所と電話番号はオンラインストアの領収書に印字します。',
  'hq.business.name': '事業者名',
  'hq.business.registration': '登録番号',
  'hq.business.registrationHint': 'T に続く13桁（ハイフン・全角のままでも入力できます）',
  'hq.business.address': '住所',
  'hq.business.phone': '電話番号',
  'hq.business.save': '保存する',
  'hq.business.saved': '保存しました。これからのレシートに印字されます。',
  'hq.business.ownerOnly': '変更できるのはオーナーだけです。',
  'hq.business.noNumber': '登録番号が未設定です。設定するまで、レシートは適格簡易請求書になりません。',
  'hq.business.updated': '最終更新: {at}',
};
