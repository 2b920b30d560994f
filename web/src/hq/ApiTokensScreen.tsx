import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../shared/api/client';
import type { ApiToken } from '../shared/api/types';
import { formatDateTime } from '../shared/format';
import { useLang, useT, type MessageKey } from '../shared/i18n';
import { useSession } from '../shared/staff-session';
import { Button, DataTable, ProblemBanner, SuccessBanner, TextField, type Column } from '../shared/ui';

const SCOPES = [
  'catalog:read',
  'catalog:write',
  'inventory:read',
  'inventory:write',
  'orders:read',
  'orders:write',
  'customers:read',
  'customers:write',
  'webhooks:manage',
] as const satisfies readonly ApiToken['scopes'][number][];
type Scope = (typeof SCOPES)[number];
const scopeLabel = (s: Scope) => `apiTokens.scope.${s}` as MessageKey;

/**
 * /hq/api-tokens — API トークン: the owner's tokens for integrations. She names one, ticks its scopes and
 * sees the token once, in the answer that made it (only a hash is kept); the list shows each token's last
 * four characters, its scopes and its last use, and revokes it.
 */
export function ApiTokensScreen() {
  const t = useT();
  const lang = useLang();
  const session = useSession();
  const isOwner = session?.staff.role === 'owner';
  const queryClient = useQueryClient();
  const tokens = useQuery({
    queryKey: ['hq', 'api-tokens'],
    queryFn: () => call(api.GET('/api/api-tokens')),
    enabled: isOwner,
    refetchInterval: 60_000,
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['catalog:read']);
  /** The token just made: shown once, until she leaves the screen or makes another. */
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['hq', 'api-tokens'] });

  const create = useMutation({
    mutationFn: () => call(api.POST('/api/api-tokens', { body: { name: name.trim(), scopes } })),
    onSuccess: (made) => {
      setShown({ name: made.name, token: made.token });
      setName('');
      refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (tok: ApiToken) => call(api.DELETE('/api/api-tokens/{id}', { params: { path: { id: tok.id } } })),
    onSuccess: (_none, tok) => {
      setRevoked(tok.name);
      refresh();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setShown(null);
    setRevoked(null);
    create.mutate();
  };
  const toggle = (s: Scope, on: boolean) =>
    setScopes((now) => (on ? SCOPES.filter((x) => x === s || now.includes(x)) : now.filter((x) => x !== s)));

  const columns: Column<ApiToken>[] = [
    { key: 'name', header: t('apiTokens.col.name'), cell: (k) => <strong>{k.name}</strong> },
    { key: 'hint', header: t('apiTokens.col.hint'), cell: (k) => <code>{k.hint}</code> },
    {
      key: 'scopes',
      header: t('apiTokens.col.scopes'),
      cell: (k) => k.scopes.map((s) => t(scopeLabel(s))).join('・'),
    },
    {
      key: 'created',
      header: t('apiTokens.col.created'),
      cell: (k) => t('apiTokens.createdBy', { at: formatDateTime(k.createdAt, lang), name: k.createdByName }),
    },
    {
      key: 'lastUsed',
      header: t('apiTokens.col.lastUsed'),
      cell: (k) => (
        <span data-testid="last-used">
          {k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang) : t('apiTokens.neverUsed')}
        </span>
      ),
    },
    {
      key: 'action',
      header: <span className="visually-hidden">{t('apiTokens.col.action')}</span>,
      align: 'end',
      cell: (k) => (
        <Button
          variant="danger"
          busy={revoke.isPending && revoke.variables?.id === k.id}
          onClick={() => {
            if (window.confirm(t('apiTokens.revokeConfirm', { name: k.name }))) revoke.mutate(k);
          }}
          data-testid="revoke"
        >
          {t('apiTokens.revoke')}
        </Button>
      ),
    },
  ];

  return (
    <main className="page store hq-api-tokens">
      <h1>{t('apiTokens.title')}</h1>
      <p className="muted small">{t('apiTokens.intro')}</p>
      {!isOwner && <p className="muted">{t('apiTokens.ownerOnly')}</p>}
      {shown && (
        <SuccessBanner>
          <span className="block">{t('apiTokens.once', { name: shown.name })}</span>
          <code className="block" data-testid="token">
            {shown.token}
          </code>
        </SuccessBanner>
      )}
      {revoked && <SuccessBanner>{t('apiTokens.revoked', { name: revoked })}</SuccessBanner>}
      <ProblemBanner error={tokens.error ?? create.error ?? revoke.error} />
      {isOwner && (
        <>
          <DataTable<ApiToken>
            columns={columns}
            rows={tokens.data?.items ?? []}
            rowKey={(k) => k.id}
            empty={tokens.isPending ? t('common.loading') : t('apiTokens.none')}
          />
          <form className="card stack" onSubmit={submit} data-testid="new-token">
            <h2>{t('apiTokens.add')}</h2>
            <TextField
              label={t('apiTokens.name')}
              hint={t('apiTokens.nameHint')}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <fieldset className="policy-roles">
              <legend>
                <strong>{t('apiTokens.scopes')}</strong>
              </legend>
              {SCOPES.map((s) => (
                <label key={s} className="policy-role">
                  <input
                    type="checkbox"
                    name={`scope-${s}`}
                    checked={scopes.includes(s)}
                    onChange={(e) => toggle(s, e.target.checked)}
                  />{' '}
                  {t(scopeLabel(s))} <code className="muted small">{s}</code>
                </label>
              ))}
            </fieldset>
            <Button type="submit" variant="primary" busy={create.isPending} disabled={!scopes.length}>
              {t('apiTokens.create')}
            </Button>
          </form>
        </>
      )}
    </main>
  );
}
