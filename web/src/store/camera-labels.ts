import { useT } from '../shared/i18n';
import type { CameraLabels } from '../shared/CameraScanner';

/** The camera scanner's words on the store's screens (member card, exit pass). */
export function useCameraLabels(): CameraLabels {
  const t = useT();
  return {
    aim: t('store.members.cameraAim'),
    stop: t('store.members.cameraStop'),
    denied: t('store.members.cameraDenied'),
    missing: t('store.members.cameraMissing'),
    unsupported: t('store.members.cameraUnsupported'),
  };
}
