import type { sessionsJa } from './sessions.ja';

/** English for 「ログイン中の端末」: every key of sessions.ja.ts, checked by the type. */
export const sessionsEn: Record<keyof typeof sessionsJa, string> = {
  'sessions.title': 'Signed-in devices',
  'sessions.lead':
    'The devices signed in to this account. If you do not recognise one, sign it out and change your password.',
  'sessions.unknownDevice': 'Unknown device',
  'sessions.thisDevice': 'This device',
  'sessions.lastSeen': 'Last used {time}',
  'sessions.signedIn': 'Signed in {time}',
  'sessions.address': 'IP address {ip}',
  'sessions.logout': 'Sign out',
  'sessions.logoutOthers': 'Sign out of all other devices',
  'sessions.logoutOthersConfirm': 'Sign out every other device',
  'sessions.keep': 'Cancel',
  'sessions.onlyThis': 'Only this device is signed in.',
  'sessions.loggedOut': 'That device has been signed out.',
  'sessions.loggedOutOthers': 'Signed out of the other devices ({n}).',
  'account.menu.devices': 'Signed-in devices',
  'account.menu.devicesHint': 'See where you are signed in, and sign devices out',
};
