import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { Location } from '../shared/api/types';
import { useLang, useT, type Translate } from '../shared/i18n';
import { Button, ProblemBanner, SelectField, SuccessBanner, TextField, fieldError } from '../shared/ui';
import { isChainWide, type Session } from '../shared/staff-session';
import { locationName, myLocations, useLocations } from '../shared/locations';
import { Link } from '../shared/router';
import './staff.css';

type Role = 'owner' | 'hq' | 'store_manager' | 'staff';
type Member = {
  id: string;
  email: string;
  name: string;
  role: Role;
  locationIds: string[];
  active: boolean;
  pinSet: boolean;
  totpEnabled: boolean;
};

const STORE_ROLES: Role[] = ['store_manager', 'staff'];
/** What the server lets each role give (server/src/modules/staff/admin.ts). */
const grantable = (session: Session): Role[] =>
  session.staff.role === 'owner' ? ['owner', 'hq', 'store_manager', 'staff'] : STORE_ROLES;

/**
 * /hq/staff and /store/staff — スタッフ管理: the staff the actor looks after (a store manager: those of her
 * stores), each with role, stores, active, PIN and two-factor; invite with a temporary password shown once,
 * change role and stores, deactivate (ends her sessions), reset her till PIN. The server decides; the
 * screen offers only what it would allow.
 */
export function StaffAdminScreen({ session }: { session: Session }) {
  const t = useT();
  const lang = useLang();
  const locations = useLocations();
  const staff = useQuery({
    queryKey: ['staff-admin'],
    queryFn: () => call(api.GET('/api/staff')),
  });
  const [inviting, setInviting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [invited, setInvited] = useState<{ name: string; password: string } | null>(null);
  const placeable = locations.data ? myLocations(session, locations.data) : [];
  const storeName = (id: string) => {
    const l = locations.data?.find((x) => x.id === id);
    return l ? locationName(l, lang) : id;
  };

  if (session.staff.role === 'staff')
    return (
      <main className="page store narrow">
        <p className="banner banner-info">{t('staffAdmin.forbidden')}</p>
      </main>
    );

  const items = (staff.data?.items ?? []) as Member[];
  return (
    <main className="page store staff-admin" data-testid="staff-admin">
      <div className="section-head">
        <h1>{t('staffAdmin.title')}</h1>
        {staff.data && <span className="muted">{t('staffAdmin.count', { n: items.length })}</span>}
      </div>
      <p className="muted">{t(isChainWide(session) ? 'staffAdmin.intro' : 'staffAdmin.introManager')}</p>
      <ProblemBanner error={staff.error ?? locations.error} />
      {notice && <SuccessBanner>{notice}</SuccessBanner>}
      {invited && (
        <div className="card stack" data-testid="staff-invited">
          <p>{t('staffAdmin.invited', { name: invited.name })}</p>
          <p className="muted">{t('staffAdmin.tempPassword')}</p>
          <p className="staff-temp-password" data-testid="staff-temp-password">
            {invited.password}
          </p>
          <p className="small muted">{t('staffAdmin.tempPasswordHint')}</p>
        </div>
      )}
      {inviting ? (
        <InviteForm
          session={session}
          stores={placeable}
          onCancel={() => setInviting(false)}
          onDone={(name, password) => {
            setInviting(false);
            setNotice(null);
            setInvited(password ? { name, password } : null);
          }}
        />
      ) : (
        <Button variant="primary" size="lg" onClick={() => setInviting(true)}>
          {t('staffAdmin.invite')}
        </Button>
      )}
      {staff.isPending && <p className="muted">{t('staffAdmin.loading')}</p>}
      <ul className="staff-admin-list">
        {items.map((m) => (
          <StaffCard
            key={m.id}
            member={m}
            session={session}
            stores={placeable}
            storeName={storeName}
            onNotice={(text) => {
              setInvited(null);
              setNotice(text);
            }}
          />
        ))}
      </ul>
      {!isChainWide(session) && (
        <p>
          <Link href="/store">{t('staffAdmin.back')}</Link>
        </p>
      )}
    </main>
  );
}

function StoreChecks({
  stores,
  checked,
  onChange,
  legend,
}: {
  stores: Location[];
  checked: string[];
  onChange: (ids: string[]) => void;
  legend: string;
}) {
  const lang = useLang();
  return (
    <fieldset className="staff-stores">
      <legend>{legend}</legend>
      {stores.map((l) => (
        <label key={l.id}>
          <input
            type="checkbox"
            checked={checked.includes(l.id)}
            onChange={(e) => onChange(e.target.checked ? [...checked, l.id] : checked.filter((x) => x !== l.id))}
          />
          {locationName(l, lang)}
        </label>
      ))}
    </fieldset>
  );
}

const roleOptions = (t: Translate, roles: Role[]) => roles.map((r) => ({ value: r, label: t(`role.${r}`) }));

function RoleSelect({ session, value, onChange }: { session: Session; value: Role; onChange: (r: Role) => void }) {
  const t = useT();
  const roles = grantable(session);
  return (
    <SelectField label={t('staffAdmin.role')} value={value} onChange={(e) => onChange(e.target.value as Role)}>
      {roleOptions(t, roles.includes(value) ? roles : [value, ...roles]).map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </SelectField>
  );
}

function InviteForm({
  session,
  stores,
  onCancel,
  onDone,
}: {
  session: Session;
  stores: Location[];
  onCancel: () => void;
  onDone: (name: string, temporaryPassword: string | undefined) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [locationIds, setLocationIds] = useState<string[]>(stores.length === 1 ? [stores[0]!.id] : []);
  const invite = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/staff', {
          body: { email, name, role, locationIds: STORE_ROLES.includes(role) ? locationIds : [] },
        }),
      ),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: ['staff-admin'] });
      onDone(created.name, created.temporaryPassword);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} data-testid="staff-invite">
      <h2>{t('staffAdmin.inviteTitle')}</h2>
      <p className="muted">{t('staffAdmin.inviteHint')}</p>
      <TextField
        label={t('staffAdmin.email')}
        type="email"
        name="email"
        autoComplete="off"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={fieldError(invite.error, 'email')}
        required
      />
      <TextField
        label={t('staffAdmin.name')}
        name="name"
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={fieldError(invite.error, 'name')}
        required
      />
      <RoleSelect session={session} value={role} onChange={setRole} />
      {STORE_ROLES.includes(role) && (
        <StoreChecks stores={stores} checked={locationIds} onChange={setLocationIds} legend={t('staffAdmin.stores')} />
      )}
      {fieldError(invite.error, 'locationIds') && (
        <p className="field-error" role="alert">
          {fieldError(invite.error, 'locationIds')}
        </p>
      )}
      <ProblemBanner error={invite.error} />
      <div className="staff-actions">
        <Button type="submit" variant="primary" busy={invite.isPending}>
          {t('staffAdmin.inviteSubmit')}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          {t('staffAdmin.cancel')}
        </Button>
      </div>
    </form>
  );
}

function StaffCard({
  member,
  session,
  stores,
  storeName,
  onNotice,
}: {
  member: Member;
  session: Session;
  stores: Location[];
  storeName: (id: string) => string;
  onNotice: (text: string) => void;
}) {
  const t = useT();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const self = member.id === session.staff.id;
  // Head office looks after store roles; only the owner changes an owner's or head office's account.
  const manageable = grantable(session).includes(member.role);
  const mine = stores.map((l) => l.id);
  const [name, setName] = useState(member.name);
  const [role, setRole] = useState<Role>(member.role);
  const [locationIds, setLocationIds] = useState(member.locationIds.filter((l) => mine.includes(l)));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['staff-admin'] });

  const update = useMutation({
    mutationFn: (body: { name?: string; role?: Role; locationIds?: string[]; active?: boolean }) =>
      call(api.PATCH('/api/staff/{id}', { params: { path: { id: member.id } }, body })),
    onSuccess: async (updated, body) => {
      await refresh();
      setEditing(false);
      onNotice(
        body.active === false
          ? t('staffAdmin.deactivated', { name: updated.name })
          : body.active === true
            ? t('staffAdmin.reactivated', { name: updated.name })
            : t('staffAdmin.saved', { name: updated.name }),
      );
    },
  });
  const resetPin = useMutation({
    mutationFn: () => call(api.DELETE('/api/staff/{id}/pin', { params: { path: { id: member.id } } })),
    onSuccess: async () => {
      await refresh();
      onNotice(t('staffAdmin.pinReset', { name: member.name }));
    },
  });
  const save = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({
      name,
      ...(self ? {} : { role }),
      ...(STORE_ROLES.includes(role) ? { locationIds } : { locationIds: [] }),
    });
  };
  const chainWide = member.role === 'owner' || member.role === 'hq';

  return (
    <li className="staff-card" data-testid="staff-card" data-email={member.email} data-active={member.active}>
      <div className="staff-card-head">
        <span className="staff-card-name">{member.name}</span>
        <span className="staff-card-email">{member.email}</span>
      </div>
      <div className="staff-chips">
        <span className="staff-chip" data-testid="staff-role">
          {t(`role.${member.role}`)}
        </span>
        {self && <span className="staff-chip">{t('staffAdmin.you')}</span>}
        <span className={member.active ? 'staff-chip staff-chip-muted' : 'staff-chip staff-chip-off'}>
          {t(member.active ? 'staffAdmin.active' : 'staffAdmin.inactive')}
        </span>
        <span className="staff-chip staff-chip-muted" data-testid="staff-pin">
          {t(member.pinSet ? 'staffAdmin.pinSet' : 'staffAdmin.pinNone')}
        </span>
        <span className="staff-chip staff-chip-muted">
          {t(member.totpEnabled ? 'staffAdmin.totpOn' : 'staffAdmin.totpOff')}
        </span>
      </div>
      <p className="small">
        {t('staffAdmin.stores')}：
        {chainWide
          ? t('staffAdmin.allStores')
          : member.locationIds.length
            ? member.locationIds.map(storeName).join('、')
            : t('staffAdmin.noStores')}
      </p>
      <ProblemBanner error={update.error ?? resetPin.error} />
      {editing ? (
        <form className="stack" onSubmit={save}>
          <TextField label={t('staffAdmin.name')} value={name} onChange={(e) => setName(e.target.value)} required />
          {!self && <RoleSelect session={session} value={role} onChange={setRole} />}
          {STORE_ROLES.includes(role) && (
            <StoreChecks
              stores={stores}
              checked={locationIds}
              onChange={setLocationIds}
              legend={t('staffAdmin.stores')}
            />
          )}
          <div className="staff-actions">
            <Button type="submit" variant="primary" busy={update.isPending}>
              {t('staffAdmin.save')}
            </Button>
            <Button variant="ghost" onClick={() => setEditing(false)}>
              {t('staffAdmin.cancel')}
            </Button>
          </div>
        </form>
      ) : (
        manageable && (
          <div className="staff-actions">
            <Button onClick={() => setEditing(true)}>{t('staffAdmin.edit')}</Button>
            {member.pinSet && (
              <Button
                busy={resetPin.isPending}
                onClick={() => {
                  if (window.confirm(t('staffAdmin.confirmResetPin', { name: member.name }))) resetPin.mutate();
                }}
              >
                {t('staffAdmin.resetPin')}
              </Button>
            )}
            {!self &&
              (member.active ? (
                <Button
                  variant="danger"
                  busy={update.isPending}
                  onClick={() => {
                    if (window.confirm(t('staffAdmin.confirmDeactivate', { name: member.name })))
                      update.mutate({ active: false });
                  }}
                >
                  {t('staffAdmin.deactivate')}
                </Button>
              ) : (
                <Button busy={update.isPending} onClick={() => update.mutate({ active: true })}>
                  {t('staffAdmin.reactivate')}
                </Button>
              ))}
          </div>
        )
      )}
    </li>
  );
}
