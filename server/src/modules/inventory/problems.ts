import { defineProblems, type CodesOf } from '../../platform/errors.ts';

export const inventoryProblems = defineProblems({
  'inventory.insufficient_stock': {
    status: 409,
    ja: {
      title: '在庫が足りません',
      detail: (p) =>
        `${p.variantId} は ${p.locationId} で ${p.requested} 点必要ですが、引当可能な在庫は ${p.available} 点です。`,
    },
    en: {
      title: 'Not enough stock',
      detail: (p) =>
        `${p.requested} of ${p.variantId} requested at ${p.locationId}, but only ${p.available} available.`,
    },
  },
  'inventory.reservation_not_found': {
    status: 404,
    ja: { title: '引当が見つかりません', detail: (p) => `引当 ${p.reservationId} は存在しません。` },
    en: { title: 'Reservation not found', detail: (p) => `There is no reservation ${p.reservationId}.` },
  },
  'inventory.reservation_not_active': {
    status: 409,
    ja: {
      title: 'この引当は既に終了しています',
      detail: (p) => `引当 ${p.reservationId} の状態は ${p.currentStatus} です。`,
    },
    en: {
      title: 'Reservation is no longer active',
      detail: (p) => `Reservation ${p.reservationId} is ${p.currentStatus}.`,
    },
  },
  'inventory.reconciliation_not_found': {
    status: 404,
    ja: { title: '確認対象が見つかりません', detail: () => `指定された在庫の確認対象は存在しません。` },
    en: { title: 'Reconciliation not found', detail: (p) => `There is no stock reconciliation ${p.id}.` },
  },
  'inventory.transfer_not_found': {
    status: 404,
    ja: { title: '移動が見つかりません', detail: (p) => `在庫移動 ${p.transferId} は存在しません。` },
    en: { title: 'Transfer not found', detail: (p) => `There is no transfer ${p.transferId}.` },
  },
  'inventory.transfer_not_in_transit': {
    status: 409,
    ja: { title: 'この移動は入荷済みです', detail: (p) => `在庫移動 ${p.transferId} は既に ${p.currentStatus} です。` },
    en: {
      title: 'Transfer already received',
      detail: (p) => `Transfer ${p.transferId} is already ${p.currentStatus}.`,
    },
  },
});

declare module '../../platform/errors.ts' {
  interface ProblemCodes extends CodesOf<typeof inventoryProblems> {}
}
