import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { assertCanActAt, requireRole, requireStaff, type Principal } from '../../platform/auth.ts';
import type { Db } from '../../platform/db/connection.ts';
import { DomainError } from '../../platform/errors.ts';
import { getBusinessLogo, getLocation, receiptPrinterAt } from '../locations/service.ts';
import { pointBalance } from '../loyalty/service.ts';
import { readOrder } from './access.ts';
import { changeOf, receiptOf, type Receipt } from './receipt.ts';

/**
 * The till's receipt on the store's ESC/POS printer: the same slip as the browser's print layout
 * (web/src/store/TillReceipt.tsx), written as receiptline markdown and turned into ESC/POS in Shift_JIS
 * (Japanese printers' character set, so 「登録番号」 and the store's name print), 48 characters a line
 * (80 mm), cut at the end; on a cash sale the drawer wired to the printer is opened first.
 */

const METHOD: Record<string, string> = {
  cash: '現金',
  terminal: 'カード端末',
  qr: 'QRコード決済',
  wallet: 'ウォレット',
  points: 'ポイント',
  card: 'クレジットカード',
};
const yenFormat = new Intl.NumberFormat('ja-JP');
const yen = (n: number) => `¥${yenFormat.format(n)}`;
const pt = (n: number) => `${yenFormat.format(n)} pt`;

/** receiptline's transform, loaded on the first print (not at start: ~0.09 s of a restart). */
let receiptline: typeof import('receiptline') | undefined;
const transform: typeof import('receiptline').transform = (doc, printer) =>
  (receiptline ??= createRequire(import.meta.url)('receiptline') as typeof import('receiptline')).transform(
    doc,
    printer,
  );

/** receiptline's markup characters in our text are printed as themselves. */
function esc(text: string): string {
  return text.replace(/[\\|{}~_"`^]/g, (c) => `\\${c}`).replace(/^([-=])/, '\\$1');
}
/** A detail under a line, indented: options on the left, quantity × price on the right. */
const sub = (left: string, right: string) => `~~${esc(left)} |${right ? ` ${esc(right)}` : ''}`;
const row = (label: string, value: string, bold = false) =>
  bold ? `"${esc(label)}" | "${esc(value)}"` : `${esc(label)} | ${esc(value)}`;

/** The receipt as receiptline markdown (80 mm, 48 characters a line). */
export function receiptMarkdown(r: Receipt, opts: { copy: boolean; logo?: string | null | undefined }): string {
  const out: string[] = [];
  if (opts.copy) out.push('^^^再発行', '');
  // The business's logo (a base64 PNG, at most the line's 576 dots), centred above the store's name.
  if (opts.logo) out.push(`{i:${opts.logo}}`);
  out.push(`^^${esc(r.store.name)}`);
  if (r.store.address) out.push(esc(r.store.address));
  if (r.store.phone) out.push(`TEL ${esc(r.store.phone)}`);
  if (r.business.name && r.business.name !== r.store.name) out.push(esc(r.business.name));
  if (r.business.registrationNumber) out.push(`登録番号 ${esc(r.business.registrationNumber)}`);
  out.push('', opts.copy ? '^^領収書（再発行）' : '^^領収書');
  if (r.offline) out.push('"オフライン取引"');
  // The date (always 16 characters) and the number side by side, the number's column the rest of the line.
  out.push(
    '{width: 16 *}',
    row(r.issuedAtLocal, r.offline ? `取引番号 ${r.offline.number}` : `No. ${r.number}`),
    '{width: auto}',
  );
  if (r.clerk) out.push(`担当 ${esc(r.clerk)}`);
  out.push('-');
  for (const l of r.lines) {
    out.push(row(`${l.name}${l.reducedRate ? '※' : ''}`, yen(l.unitPrice * l.quantity)));
    if (l.options || l.quantity > 1)
      out.push(sub(l.options, l.quantity > 1 ? `${l.quantity}点 × ${yen(l.unitPrice)}` : ''));
  }
  out.push('-', row('小計', yen(r.subtotal)));
  for (const d of r.discounts) out.push(row(d.label, `-${yen(d.amount)}`));
  out.push(`^"合計" | ^"${esc(yen(r.total))}"`);
  for (const x of r.taxes) out.push(row(`${x.rate}%対象`, yen(x.base)), row('　内消費税', yen(x.tax)));
  out.push('-');
  for (const p of r.payments) {
    const method = METHOD[p.method] ?? p.method;
    out.push(row(p.brand ? `${method}（${p.brand}）` : method, yen(p.amount)));
    if (p.reference) out.push(sub(`${p.method === 'qr' ? '取引番号' : '承認番号'} ${p.reference}`, ''));
  }
  if (hasCash(r)) {
    const tendered = r.payments.reduce((s, p) => s + (p.method === 'cash' ? (p.tendered ?? p.amount) : 0), 0);
    out.push(row('お預かり', yen(tendered)), row('おつり', yen(r.change), true));
  }
  if (r.member) {
    out.push('-', row('会員番号', r.member.number));
    if (r.member.pointsUsed > 0) out.push(row('ご利用ポイント', pt(r.member.pointsUsed)));
    out.push(row('今回獲得ポイント', pt(r.member.pointsEarned)));
    if (r.member.balance !== null) out.push(row('ポイント残高', pt(r.member.balance)));
  }
  out.push('-', `|${esc(r.footnote)}`, '');
  return out.join('\n');
}

function hasCash(r: Receipt): boolean {
  return r.payments.some((p) => p.method === 'cash');
}

/** ESC p 0 25 250: pulse the drawer connector's pin 2 for 50 ms on, 500 ms off. */
const DRAWER_KICK = Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]);

/** The bytes for the printer: ESC/POS, Shift_JIS, cut at the end, the drawer kick first when asked. */
export function receiptEscPos(
  r: Receipt,
  opts: { copy: boolean; drawerKick: boolean; logo?: string | null | undefined },
): Buffer {
  const render = (logo: string | null | undefined) =>
    transform(receiptMarkdown(r, { ...opts, logo }), {
      command: 'escpos',
      encoding: 'shiftjis',
      cpl: 48,
      cutting: true,
    });
  let commands: string;
  try {
    commands = render(opts.logo);
  } catch (err) {
    // A logo the PNG decoder cannot read (its header passed the upload check) must not stop the receipt.
    if (!opts.logo) throw err;
    commands = render(null);
  }
  const body = Buffer.from(commands, 'binary');
  return opts.drawerKick ? Buffer.concat([DRAWER_KICK, body]) : body;
}

/** DLE EOT 1: the printer's real-time status, answered with one byte at once (0xx1xx10). */
const STATUS_QUERY = Buffer.from([0x10, 0x04, 0x01]);

/**
 * Send a job to an ESC/POS printer over raw TCP. It is asked its status first, so a printer that is off,
 * unplugged, or takes the connection and never answers is told apart from one that printed — within
 * `timeoutMs` for the whole exchange, so a dead printer never holds the till's request long.
 */
export function sendToPrinter(host: string, port: number, job: Buffer, timeoutMs: number): Promise<void> {
  const address = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let settled = false;
    const finish = (err?: DomainError) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (err) {
        socket.destroy();
        reject(err);
      } else resolve();
    };
    const deadline = setTimeout(() => finish(new DomainError('printer.unreachable', { address })), timeoutMs);
    socket.on('error', () => finish(new DomainError('printer.unreachable', { address })));
    socket.on('connect', () => socket.write(STATUS_QUERY));
    let asked = true;
    socket.on('data', (chunk: Buffer) => {
      if (!asked) return; // anything after the status (automatic status back) is not ours to read
      const status = [...chunk].find((b) => (b & 0x93) === 0x12);
      if (status === undefined) return;
      asked = false;
      if (status & 0x08) return finish(new DomainError('printer.not_ready', { address }));
      // Done once the job is handed to the network; the printer closes its side, or we do a little later.
      socket.end(job, () => {
        finish();
        socket.setTimeout(2000, () => socket.destroy());
      });
    });
    socket.on('end', () => socket.destroy());
  });
}

/**
 * Print an order's receipt on its store's printer (the store's staff; head office). `copy` prints it
 * marked 「再発行」 and never opens the drawer. No transaction is open while the printer is talked to.
 */
export async function printReceipt(
  db: Db,
  actor: Principal,
  orderId: string,
  opts: { copy: boolean; timeoutMs: number },
): Promise<{ printed: true; copy: boolean }> {
  requireStaff(actor);
  const order = await readOrder(db, actor, orderId);
  const at = order.locationId ?? order.fulfilments[0]?.locationId ?? null;
  const printer = at ? await receiptPrinterAt(db, at) : null;
  if (!printer?.enabled) throw new DomainError('printer.not_configured', { locationId: at });
  const balance = order.customerId ? await pointBalance(db, order.customerId) : null;
  const receipt = await receiptOf(db, order, changeOf(order), balance);
  const job = receiptEscPos(receipt, {
    copy: opts.copy,
    drawerKick: printer.drawerKick && !opts.copy && hasCash(receipt),
    logo: (await getBusinessLogo(db))?.png,
  });
  await sendToPrinter(printer.host, printer.port, job, opts.timeoutMs);
  return { printed: true, copy: opts.copy };
}

const testTime = new Intl.DateTimeFormat('ja-JP', {
  timeZone: 'Asia/Tokyo',
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** The test slip: the store's name, 「テスト印刷」, when and where it was sent, cut. */
export function testSlipEscPos(storeName: string, address: string, at: Date): Buffer {
  const markdown = [
    `^^${esc(storeName)}`,
    '',
    '^^^テスト印刷',
    '',
    row('日時', testTime.format(at)),
    row('プリンター', address),
    '-',
    '|このレシートは印刷の確認用です。',
    '',
  ].join('\n');
  return Buffer.from(
    transform(markdown, { command: 'escpos', encoding: 'shiftjis', cpl: 48, cutting: true }),
    'binary',
  );
}

/**
 * 「テスト印刷」 from 店舗設定: a short slip on the store's printer as saved (even while switched off, so a
 * manager can check it before turning it on), never opening the drawer. Its manager or head office.
 */
export async function printTestSlip(
  db: Db,
  actor: Principal,
  locationId: string,
  opts: { timeoutMs: number },
): Promise<{ printed: true }> {
  assertCanActAt(requireRole(actor, 'store_manager', 'hq', 'owner'), locationId);
  const store = await getLocation(db, locationId);
  const printer = await receiptPrinterAt(db, locationId);
  if (!printer) throw new DomainError('printer.not_configured', { locationId });
  const address = `${printer.host}:${printer.port}`;
  await sendToPrinter(printer.host, printer.port, testSlipEscPos(store.name, address, new Date()), opts.timeoutMs);
  return { printed: true };
}
