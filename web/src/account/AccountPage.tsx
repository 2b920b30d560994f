import type { ReactNode } from 'react';
import { useT } from '../shared/i18n';
import { Link } from '../shared/router';

/** The frame of every page under マイページ: the way back, the title, a phone-width column. */
export function AccountPage({ title, children }: { title: string; children: ReactNode }) {
  const t = useT();
  return (
    <main className="page narrow account">
      <Link href="/account" className="back">
        ← {t('account.back')}
      </Link>
      <h1>{title}</h1>
      {children}
    </main>
  );
}
