import { useEffect, useState } from 'react';
import { useT } from '../i18n';
import { problemOf } from './ProblemBanner';
import { TextField } from './Field';

/**
 * Seconds left to wait after a login refused with 429 `auth.too_many_attempts` (its `retryAfterSeconds`,
 * also the Retry-After header), counting down to 0; 0 when the error is anything else.
 */
export function useLoginWait(error: unknown): number {
  const problem = problemOf(error);
  const seconds = problem?.code === 'auth.too_many_attempts' ? Number(problem.retryAfterSeconds ?? 0) : 0;
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (!(seconds > 0)) return setLeft(0);
    const until = Date.now() + seconds * 1000;
    const tick = () => setLeft(Math.max(0, Math.ceil((until - Date.now()) / 1000)));
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [error, seconds]);
  return left;
}

/** A calm word instead of an error: how long to wait, and that it is a guard, not a lock. */
export function LoginWaitBanner({ seconds }: { seconds: number }) {
  const t = useT();
  const wait =
    seconds < 60 ? t('login.wait.seconds', { seconds }) : t('login.wait.minutes', { minutes: Math.ceil(seconds / 60) });
  return (
    <div className="banner banner-info" role="status" data-problem="auth.too_many_attempts">
      <p className="banner-title">{t('login.wait.title', { wait })}</p>
      <p>{t('login.wait.detail')}</p>
    </div>
  );
}

/** The info shown when the server asked for the code it e-mailed (auth.email_code_required). */
export function EmailCodeSent() {
  const t = useT();
  return (
    <div className="banner banner-info" role="status" data-problem="auth.email_code_required">
      <p className="banner-title">{t('login.emailCode.title')}</p>
      <p>{t('login.emailCode.detail')}</p>
    </div>
  );
}

/** The six digits of the e-mailed code: numeric keypad, one-time-code autofill, digits only. */
export function EmailCodeField({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const t = useT();
  return (
    <TextField
      label={t('login.emailCode.field')}
      name="emailCode"
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={6}
      autoComplete="one-time-code"
      value={value}
      onChange={(e) => onChange(e.target.value.replace(/\D/g, ''))}
      autoFocus
      required
    />
  );
}
