/**
 * スキャン＆ゴー's public face: a store's settings, her basket at a store, paying it (orders' scan-and-go
 * sale), the exit pass and the door's check.
 */
import './problems.ts';
export { scanAndGoSettingsOf, setScanAndGoSettings, type ScanAndGoSettings } from './settings.ts';
export { addToBasket, basketView, removeFromBasket, type BasketView } from './basket.ts';
export { payBasket, passOf, type PaidBasket, type PassView } from './pay.ts';
export {
  exitPassKey,
  pickedForCheck,
  readExitPass,
  signExitPass,
  PASS_MINUTES,
  type ExitPassKey,
} from './exit-pass.ts';
export { verifyExitPass, RESCAN_GRACE_MS, type VerifiedPass } from './verify.ts';
export { scanAndGoRoutes } from './routes.ts';
export { eraseScanAndGo, exportScanAndGo, scanAndGoMergeStep } from './personal-data.ts';
