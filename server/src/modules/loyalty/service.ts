// The loyalty module's public face: other modules import from here, never from schema.ts.
export {
  earnForPurchase,
  reverseForReturn,
  redeemForPurchase,
  cancelRedemption,
  type Purchase,
  type ReplayableResult,
} from './purchases.ts';
export {
  payFromWallet,
  refundToWallet,
  topUpWallet,
  walletBalance,
  type WalletResult,
  type PayInput,
  type RefundInput,
} from './wallet.ts';
export {
  topUpWithCash,
  beginCardTopUp,
  creditCardTopUp,
  failCardTopUp,
  getTopUp,
  cashTopUpTotals,
  type TopUpView,
  type TopUpResult,
} from './top-ups.ts';
export {
  renewTopUpLease,
  claimLapsedTopUps,
  cardTopUpRow,
  recordTopUpIntent,
  holdTopUpOpen,
  lapseUnfinishedTopUps,
  type CardTopUpRow,
  type LapsedTopUp,
} from './top-up-leases.ts';
export { recordPointsTransaction, recordWalletTransaction } from './transactions.ts';
export { adjustPoints, type AdjustInput } from './points.ts';
export { loyaltySummary, walletSummary, type LoyaltySummary, type WalletSummary } from './summary.ts';
export {
  getRules,
  putRules,
  pointsForSpend,
  rulesOf,
  RULES_SETTINGS_KEY,
  tierForSpend,
  type LoyaltyRules,
} from './rules.ts';
export { createCampaign, listCampaigns, pointsPromised, type CampaignView } from './campaigns.ts';
export { expirePoints, expireLoyalty } from './expiry.ts';
export { expireWallets } from './wallet-expiry.ts';
export { pointBalance } from './lots.ts';
export { ledgersMergeStep, exportLedgers } from './customer-ledgers.ts';
export type { PointsResult, PointEntryView } from './points.ts';
import './problems.ts';
export { expiringPointsSql, pointBalancesSql } from './audience.ts';
export { topUpResultSchema } from './schemas.ts';
