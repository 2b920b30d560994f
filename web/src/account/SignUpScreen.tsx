import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { deviceId } from '../shared/device';
import { useT } from '../shared/i18n';
import { flushEvents } from '../shared/track';
import { Link, navigate, nextPath, useLocationPath } from '../shared/router';
import { Button, ProblemBanner, TextField, fieldError } from '../shared/ui';
import { customerSignIn } from '../shared/customer/session';

/**
 * /account/signup — become a member. The device id goes along, so what this browser looked at before
 * joins the new member's timeline; queued views are sent first so none arrive after the stitch.
 */
export function SignUpScreen() {
  const t = useT();
  const { search } = useLocationPath();
  const [form, setForm] = useState({ name: '', nameKana: '', email: '', password: '', phone: '', birthday: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  const register = useMutation({
    mutationFn: async () => {
      await flushEvents();
      const optional = (v: string) => v.trim() || undefined;
      return call(
        api.POST('/api/customer-auth/register', {
          body: {
            name: form.name.trim(),
            email: form.email.trim(),
            password: form.password,
            nameKana: optional(form.nameKana),
            phone: optional(form.phone),
            birthday: optional(form.birthday),
            deviceId: deviceId(),
          },
        }),
      );
    },
    onSuccess: (session) => {
      customerSignIn(session);
      navigate(nextPath(search, '/account/card'), { replace: true });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  const labels = {
    name: t('account.field.name'),
    nameKana: t('account.field.nameKana'),
    email: t('account.field.email'),
    password: t('account.field.password'),
    phone: t('account.field.phone'),
    birthday: t('account.field.birthday'),
  };
  const err = (field: string) => fieldError(register.error, field);

  return (
    <main className="page narrow account">
      <h1>{t('account.signup.title')}</h1>
      <p>{t('account.signup.lead')}</p>
      <form className="card stack" onSubmit={submit}>
        <TextField
          label={labels.name}
          name="name"
          autoComplete="name"
          placeholder={t('account.field.namePlaceholder')}
          value={form.name}
          onChange={set('name')}
          error={err('name')}
          required
        />
        <TextField
          label={labels.nameKana}
          name="nameKana"
          placeholder={t('account.field.nameKanaPlaceholder')}
          value={form.nameKana}
          onChange={set('nameKana')}
          error={err('nameKana')}
        />
        <TextField
          label={labels.email}
          type="email"
          name="email"
          autoComplete="email"
          value={form.email}
          onChange={set('email')}
          error={err('email')}
          required
        />
        <TextField
          label={labels.password}
          type="password"
          name="password"
          autoComplete="new-password"
          hint={t('account.field.passwordHint')}
          value={form.password}
          onChange={set('password')}
          error={err('password')}
          minLength={8}
          required
        />
        <TextField
          label={labels.phone}
          type="tel"
          name="phone"
          autoComplete="tel"
          hint={t('account.field.phoneHint')}
          value={form.phone}
          onChange={set('phone')}
          error={err('phone')}
        />
        <TextField
          label={labels.birthday}
          type="date"
          name="birthday"
          autoComplete="bday"
          value={form.birthday}
          onChange={set('birthday')}
          error={err('birthday')}
        />
        <p className="muted small">{t('account.signup.stitch')}</p>
        <ProblemBanner error={register.error} labels={labels} />
        <Button type="submit" variant="primary" size="lg" busy={register.isPending}>
          {t('account.signup.submit')}
        </Button>
      </form>
      <p className="account-switch">
        {t('account.signup.haveAccount')}{' '}
        <Link href={`/account/login${window.location.search}`}>{t('account.login.title')}</Link>
      </p>
    </main>
  );
}
