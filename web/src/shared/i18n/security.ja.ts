/** Japanese for sign-in guards (waits, e-mailed codes) and the owner's 二段階認証 settings screen. */
export const securityJa = {
  'login.wait.title': 'ログインの試行が続いたため、{wait}お待ちください',
  'login.wait.seconds': 'あと{seconds}秒',
  'login.wait.minutes': '約{minutes}分',
  'login.wait.detail':
    'パスワードの推測を防ぐための待ち時間です。アカウントはロックされていません。時間が過ぎたら、もう一度お試しください。',
  'login.emailCode.title': '登録メールアドレスに確認コードをお送りしました',
  'login.emailCode.detail':
    'このアカウントへのログインの失敗が続いたため、メールで届いた6桁の確認コードが必要です（有効期限10分）。パスワードとあわせて入力してください。メールが届かない場合は、パスワードを確かめてもう一度お試しください。',
  'login.emailCode.field': 'メールの確認コード（6桁）',
  'hq.tab.security': 'セキュリティ',
  'hq.security.title': 'ログインのセキュリティ',
  'hq.security.intro':
    '役割ごとに、ログインに認証アプリの確認コード（二段階認証）を必須にできます。必須にした役割のスタッフは、設定を済ませるまで他の画面を使えません。',
  'hq.security.legend': '二段階認証を必須にする',
  'hq.security.save': '保存',
  'hq.security.saved': '保存しました。次の操作から適用されます。',
  'hq.security.ownerOnly': '変更できるのはオーナーだけです（本部は閲覧のみ）。',
  'hq.security.enrolled': '設定済み {enrolled} / {total} 人',
  'hq.security.staffTitle': 'スタッフの設定状況',
  'hq.security.col.name': '名前',
  'hq.security.col.role': '役割',
  'hq.security.col.totp': '二段階認証',
  'hq.security.totp.on': '設定済み',
  'hq.security.totp.off': '未設定',
  'hq.security.totp.missing': '未設定（必須）',
  'hq.security.guards':
    'パスワードの推測への対策は常に有効です: 同じ端末からの失敗が続くと待ち時間が倍々に延び、アカウントへの失敗が10回を超えるとメールの確認コードが必要になり、本人にお知らせメールが届きます。',
  'role.owner': 'オーナー',
  'role.hq': '本部',
  'role.store_manager': '店長',
  'role.staff': 'スタッフ',
  'hq.deliveries.template.login_code': 'ログイン確認コード',
  'hq.deliveries.template.login_attempts_notice': 'ログイン試行のお知らせ',
} as const;
