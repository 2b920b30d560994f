import { useState, type FormEvent, type InputHTMLAttributes, type ReactNode } from 'react';
import type { ClientelingCard } from '../../shared/api/types';
import { useT } from '../../shared/i18n';
import { Button, ProblemBanner } from '../../shared/ui';
import type { TillPresence } from './usePresence';

type Way = 'qr' | 'pin' | 'code';

/**
 * 本人確認: shown when a member called up by card or member number is about to pay with her wallet or
 * points. She proves she is here by her app's QR (scanned again), her PIN (typed by her, masked) or a
 * code sent to her e-mail — only the ways head office accepts and she can use.
 */
export function PresencePane({ member, presence }: { member: ClientelingCard; presence: TillPresence }) {
  const t = useT();
  const [way, setWay] = useState<Way | null>(null);
  const { methods, pinSet } = member.presenceOptions;
  const offers: Record<Way, boolean> = {
    qr: methods.includes('member_code'),
    pin: methods.includes('pin') && pinSet,
    code: methods.includes('code'),
  };
  const { rescan, byPin, sendCode, byCode } = presence;
  const choose = (w: Way) => {
    setWay(w);
    if (w === 'code' && !sendCode.data) sendCode.mutate();
  };
  const error =
    way === 'qr'
      ? rescan.error
      : way === 'pin'
        ? byPin.error
        : way === 'code'
          ? (byCode.error ?? sendCode.error)
          : null;

  return (
    <section className="card till-presence" data-testid="till-presence" aria-labelledby="till-presence-title">
      <h2 id="till-presence-title">{t('till.presence.title')}</h2>
      <p className="small">{t('till.presence.lead')}</p>
      <div className="till-presence-ways">
        {offers.qr && (
          <Button
            size="lg"
            variant={way === 'qr' ? 'primary' : 'secondary'}
            aria-pressed={way === 'qr'}
            onClick={() => choose('qr')}
          >
            {t('till.presence.qr')}
          </Button>
        )}
        {offers.pin && (
          <Button
            size="lg"
            variant={way === 'pin' ? 'primary' : 'secondary'}
            aria-pressed={way === 'pin'}
            onClick={() => choose('pin')}
          >
            {t('till.presence.pin')}
          </Button>
        )}
        {offers.code && (
          <Button
            size="lg"
            variant={way === 'code' ? 'primary' : 'secondary'}
            aria-pressed={way === 'code'}
            busy={sendCode.isPending}
            onClick={() => choose('code')}
          >
            {t('till.presence.code')}
          </Button>
        )}
      </div>
      {!offers.qr && !offers.pin && !offers.code && <p className="field-error">{t('till.presence.noWay')}</p>}
      {methods.includes('pin') && !pinSet && <p className="field-hint">{t('till.presence.pinNotSet')}</p>}

      {way === 'qr' && (
        <ProofForm
          id="till-presence-qr"
          label={t('till.presence.qrLabel')}
          hint={t('till.presence.qrHint')}
          submit={t('till.presence.qrSubmit')}
          busy={rescan.isPending}
          onProof={(raw, clear) => {
            // A scanner types the next code into an empty field.
            clear();
            rescan.mutate(raw.normalize('NFKC').trim());
          }}
          input={{ inputMode: 'text', autoCapitalize: 'off', spellCheck: false }}
        >
          {rescan.data && !rescan.data.presence && <p className="field-error">{t('till.presence.qrNotProof')}</p>}
        </ProofForm>
      )}
      {way === 'pin' && (
        <ProofForm
          id="till-presence-pin"
          label={t('till.presence.pinLabel')}
          hint={t('till.presence.pinHint')}
          submit={t('till.presence.confirm')}
          busy={byPin.isPending}
          onProof={(pin, clear) => byPin.mutate(pin, { onError: clear })}
          // Masked, on the number pad; she types it herself.
          input={{ type: 'password', inputMode: 'numeric', maxLength: 6, pattern: '[0-9０-９]*' }}
        />
      )}
      {way === 'code' && sendCode.data && (
        <ProofForm
          id="till-presence-code"
          label={t('till.presence.codeLabel')}
          hint={t('till.presence.codeSent', { to: sendCode.data.sentTo, minutes: sendCode.data.validMinutes })}
          submit={t('till.presence.confirm')}
          busy={byCode.isPending}
          onProof={(code) => byCode.mutate(code.normalize('NFKC').trim())}
          input={{ inputMode: 'numeric', autoComplete: 'one-time-code', maxLength: 6 }}
        >
          <Button variant="ghost" busy={sendCode.isPending} onClick={() => sendCode.mutate()}>
            {t('till.presence.codeResend')}
          </Button>
        </ProofForm>
      )}
      <ProblemBanner error={error} />
    </section>
  );
}

/** One proof's field and its button; the field takes focus when the way is chosen. */
function ProofForm({
  id,
  label,
  hint,
  submit,
  busy,
  onProof,
  input,
  children,
}: {
  id: string;
  label: string;
  hint: string;
  submit: string;
  busy: boolean;
  /** The typed proof; `clear` empties the field (after a wrong PIN). */
  onProof: (value: string, clear: () => void) => void;
  input: InputHTMLAttributes<HTMLInputElement>;
  children?: ReactNode;
}) {
  const [value, setValue] = useState('');
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onProof(value, () => setValue(''));
  };
  return (
    <form className="till-presence-form" onSubmit={send}>
      <label htmlFor={id}>{label}</label>
      <div className="scan-row">
        <input
          id={id}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="off"
          autoFocus
          aria-describedby={`${id}-hint`}
          {...input}
        />
        <Button type="submit" variant="primary" size="lg" busy={busy}>
          {submit}
        </Button>
      </div>
      <p className="field-hint" id={`${id}-hint`}>
        {hint}
      </p>
      {children}
    </form>
  );
}
