import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import { useT, type Translate } from '../shared/i18n';
import { Button, DataTable, ProblemBanner, SuccessBanner, type Column } from '../shared/ui';
import type { Session } from '../shared/staff-session';

const ROLES = ['owner', 'hq', 'store_manager', 'staff'] as const;
type Role = (typeof ROLES)[number];
type Member = { id: string; name: string; email: string; role: Role; totpEnabled: boolean };

const roleName = (t: Translate, role: Role) => t(`role.${role}`);

/**
 * /hq/security — the owner's sign-in policy: per role, whether two-factor sign-in (an authenticator app's
 * code) is required (`PUT /api/staff/security`), and who has set it up (`GET /api/staff`). Head office
 * sees it read-only. Off for every role by default, so the demo's documented logins keep working.
 */
export function SecurityScreen({ session }: { session: Session }) {
  const t = useT();
  const queryClient = useQueryClient();
  const isOwner = session.staff.role === 'owner';
  const policy = useQuery({
    queryKey: ['staff', 'security'],
    queryFn: () => call(api.GET('/api/staff/security')),
  });
  const staff = useQuery({ queryKey: ['staff', 'list'], queryFn: () => call(api.GET('/api/staff')) });
  const [required, setRequired] = useState<Role[]>([]);
  useEffect(() => {
    if (policy.data) setRequired(policy.data.requireTotpFor);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: () => call(api.PUT('/api/staff/security', { body: { requireTotpFor: required } })),
    onSuccess: (saved) => queryClient.setQueryData(['staff', 'security'], saved),
  });
  const toggle = (role: Role, on: boolean) => {
    save.reset();
    setRequired((now) => ROLES.filter((r) => (r === role ? on : now.includes(r))));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

  const members: Member[] = staff.data?.items ?? [];
  const enforced = policy.data?.requireTotpFor ?? [];
  const columns: Column<Member>[] = [
    { key: 'name', header: t('hq.security.col.name'), cell: (m) => m.name },
    { key: 'role', header: t('hq.security.col.role'), cell: (m) => roleName(t, m.role) },
    {
      key: 'totp',
      header: t('hq.security.col.totp'),
      cell: (m) =>
        m.totpEnabled ? (
          <span className="status status-active">{t('hq.security.totp.on')}</span>
        ) : enforced.includes(m.role) ? (
          <span className="status status-cancelled">{t('hq.security.totp.missing')}</span>
        ) : (
          <span className="muted">{t('hq.security.totp.off')}</span>
        ),
    },
  ];

  return (
    <main className="page">
      <h1>{t('hq.security.title')}</h1>
      <p className="muted">{t('hq.security.intro')}</p>
      <ProblemBanner error={policy.error ?? staff.error} />
      <form className="card stack" onSubmit={submit} data-testid="totp-policy">
        <fieldset className="policy-roles" disabled={!isOwner || !policy.data}>
          <legend>
            <strong>{t('hq.security.legend')}</strong>
          </legend>
          {ROLES.map((role) => {
            const inRole = members.filter((m) => m.role === role);
            return (
              <label key={role} className="policy-role">
                <input
                  type="checkbox"
                  name={`require-${role}`}
                  checked={required.includes(role)}
                  onChange={(e) => toggle(role, e.target.checked)}
                />{' '}
                {roleName(t, role)}{' '}
                {staff.data && (
                  <span className="muted small">
                    （
                    {t('hq.security.enrolled', {
                      enrolled: inRole.filter((m) => m.totpEnabled).length,
                      total: inRole.length,
                    })}
                    ）
                  </span>
                )}
              </label>
            );
          })}
        </fieldset>
        {!isOwner && <p className="muted small">{t('hq.security.ownerOnly')}</p>}
        <ProblemBanner error={save.error} />
        {save.isSuccess && <SuccessBanner>{t('hq.security.saved')}</SuccessBanner>}
        {isOwner && (
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!policy.data}>
            {t('hq.security.save')}
          </Button>
        )}
      </form>
      <p className="muted small">{t('hq.security.guards')}</p>
      <h2>{t('hq.security.staffTitle')}</h2>
      {staff.isPending ? (
        <p className="muted">{t('common.loading')}</p>
      ) : (
        <DataTable<Member> columns={columns} rows={members} rowKey={(m) => m.id} empty="—" />
      )}
    </main>
  );
}
