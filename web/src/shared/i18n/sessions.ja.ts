/** ログイン中の端末: a member's and a staff member's own sessions. */
export const sessionsJa = {
  'sessions.title': 'ログイン中の端末',
  'sessions.lead':
    'このアカウントにログインしている端末の一覧です。心当たりのない端末があれば、ログアウトしてパスワードを変更してください。',
  'sessions.unknownDevice': '不明な端末',
  'sessions.thisDevice': 'この端末',
  'sessions.lastSeen': '最終利用 {time}',
  'sessions.signedIn': 'ログイン {time}',
  'sessions.address': 'IPアドレス {ip}',
  'sessions.logout': 'ログアウト',
  'sessions.logoutOthers': '他のすべての端末からログアウト',
  'sessions.logoutOthersConfirm': '他の端末をすべてログアウトする',
  'sessions.keep': 'やめる',
  'sessions.onlyThis': 'ログインしているのはこの端末だけです。',
  'sessions.loggedOut': '選んだ端末をログアウトしました。',
  'sessions.loggedOutOthers': '他の端末からログアウトしました（{n}台）。',
  'account.menu.devices': 'ログイン中の端末',
  'account.menu.devicesHint': 'ログインしている端末の確認・ログアウト',
} as const;
