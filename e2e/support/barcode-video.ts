import { writeFileSync } from 'node:fs';

/**
 * A fake camera for Chromium (`--use-file-for-fake-video-capture`): a Y4M (I420) video of a shelf label's
 * EAN-13 barcode, black bars on white, drawn here from the digits with the standard's own tables — no image
 * files, no downloads. Chromium loops the frames for as long as the page reads the camera.
 */
const L = [
  '0001101',
  '0011001',
  '0010011',
  '0111101',
  '0100011',
  '0110001',
  '0101111',
  '0111011',
  '0110111',
  '0001011',
];
const G = L.map((p) =>
  [...p]
    .map((b) => (b === '1' ? '0' : '1'))
    .reverse()
    .join(''),
);
const R = L.map((p) => [...p].map((b) => (b === '1' ? '0' : '1')).join(''));
/** Which of L (0) or G (1) codes each left-hand digit, chosen by the first digit. */
const PARITY = ['000000', '001011', '001101', '001110', '010011', '011001', '011100', '010101', '010110', '011010'];

/** The 95 modules of an EAN-13 (1 = bar). */
export function ean13Modules(jan: string): string {
  if (!/^\d{13}$/.test(jan)) throw new Error(`not a JAN-13: ${jan}`);
  const d = [...jan].map(Number);
  const parity = PARITY[d[0]!]!;
  let bits = '101';
  for (let i = 1; i <= 6; i++) bits += (parity[i - 1] === '0' ? L : G)[d[i]!]!;
  bits += '01010';
  for (let i = 7; i <= 12; i++) bits += R[d[i]!]!;
  return bits + '101';
}

/** Write `path` as a Y4M video of the barcode centred on white, `frames` frames at 10 fps. */
export function writeBarcodeVideo(
  path: string,
  jan: string,
  opts: { width?: number; height?: number; frames?: number } = {},
) {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const frames = opts.frames ?? 5;
  const modules = ean13Modules(jan);
  const moduleWidth = Math.floor((width * 0.8) / modules.length);
  const left = Math.floor((width - modules.length * moduleWidth) / 2);
  const top = Math.floor(height * 0.25);
  const bottom = Math.floor(height * 0.75);
  // Studio-swing luma: 16 is black, 235 white; chroma 128 is grey (no colour).
  const y = Buffer.alloc(width * height, 235);
  for (let row = top; row < bottom; row++)
    for (let m = 0; m < modules.length; m++)
      if (modules[m] === '1')
        y.fill(16, row * width + left + m * moduleWidth, row * width + left + (m + 1) * moduleWidth);
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
