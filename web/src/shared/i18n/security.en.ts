import type { securityJa } from './security.ja';

/** English for sign-in guards and the owner's two-factor settings screen: every key of security.ja.ts. */
export const securityEn: Record<keyof typeof securityJa, string> = {
  'login.wait.title': 'Too many sign-in attempts: please wait {wait}',
  'login.wait.seconds': '{seconds} more seconds',
  'login.wait.minutes': 'about {minutes} minutes',
  'login.wait.detail':
    'This pause guards against password guessing. The account is not locked: try again when the time is up.',
  'login.emailCode.title': 'We e-mailed a code to the address on the account',
  'login.emailCode.detail':
    'Sign-ins to this account kept failing, so a 6-digit code from the e-mail is needed (valid 10 minutes). Enter it with your password. If no mail arrives, check your password and try again.',
  'login.emailCode.field': 'Code from the e-mail (6 digits)',
  'hq.tab.security': 'Security',
  'hq.security.title': 'Sign-in security',
  'hq.security.intro':
    'Per role, you can require a code from an authenticator app at sign-in (two-factor). Staff in a required role can use no other screen until they have set it up.',
  'hq.security.legend': 'Require two-factor sign-in',
  'hq.security.save': 'Save',
  'hq.security.saved': 'Saved. It applies from the next request.',
  'hq.security.ownerOnly': 'Only the owner can change this (head office can view it).',
  'hq.security.enrolled': '{enrolled} of {total} set up',
  'hq.security.staffTitle': 'Who has set it up',
  'hq.security.col.name': 'Name',
  'hq.security.col.role': 'Role',
  'hq.security.col.totp': 'Two-factor',
  'hq.security.totp.on': 'Set up',
  'hq.security.totp.off': 'Not set up',
  'hq.security.totp.missing': 'Not set up (required)',
  'hq.security.guards':
    'Guessing protection is always on: failures from one device make it wait longer each time (doubling), more than 10 failures on an account ask for a code by e-mail, and the account holder is told by e-mail.',
  'role.owner': 'Owner',
  'role.hq': 'Head office',
  'role.store_manager': 'Store manager',
  'role.staff': 'Staff',
  'hq.deliveries.template.login_code': 'Sign-in code',
  'hq.deliveries.template.login_attempts_notice': 'Sign-in attempts notice',
};
