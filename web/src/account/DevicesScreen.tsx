import { useT } from '../shared/i18n';
import { SignedInDevices } from '../shared/SignedInDevices';
import { AccountPage } from './AccountPage';

/** /account/devices — ログイン中の端末: where she is signed in, and signing devices out. */
export function DevicesScreen() {
  const t = useT();
  return (
    <AccountPage title={t('sessions.title')}>
      <SignedInDevices audience="customer" titled={false} />
    </AccountPage>
  );
}
