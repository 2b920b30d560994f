import { useEffect, useRef, useState } from 'react';
import { Button } from './ui';

/** The Barcode Detection API (Chrome on Android, macOS, ChromeOS); not in TypeScript's DOM library yet. */
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: {
      new (opts: { formats: string[] }): BarcodeDetectorLike;
      getSupportedFormats(): Promise<string[]>;
    };
  }
}

const SCAN_EVERY_MS = 200;

/** What the scanner says, in the words of the app that opens it (the store's or the shopper's). */
export interface CameraLabels {
  aim: string;
  stop: string;
  denied: string;
  missing: string;
  unsupported: string;
}

type Problem = 'denied' | 'missing' | 'unsupported';

function cameraProblem(err: unknown): Problem {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'missing';
  return 'unsupported';
}

/** A JAN on a shelf label or a product: EAN-13 (and EAN-8, the short JAN). */
const isJan = (text: string) => /^(\d{8}|\d{13})$/.test(text);

/**
 * Read a code with the device camera — a QR (the member card, the exit pass) or a JAN barcode (a shelf
 * item): the browser's own BarcodeDetector where it has one, otherwise ZXing (loaded only now, so a screen
 * that never opens the camera never downloads it). Without a camera, permission or a secure origin it says
 * so and the typed field beside it keeps working. Shared by the store (member QR, exit pass) and the shop
 * (スキャン＆ゴー), each lazy-loading it with its own words.
 */
export function CameraScanner({
  kind = 'qr',
  labels,
  onCode,
  onClose,
}: {
  kind?: 'qr' | 'jan';
  labels: CameraLabels;
  onCode: (code: string) => void;
  onClose: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const handler = useRef(onCode);
  handler.current = onCode;

  useEffect(() => {
    let stopped = false;
    const cleanups: (() => void)[] = [];
    const found = (code: string) => {
      if (stopped || (kind === 'jan' && !isJan(code))) return;
      stopped = true;
      handler.current(code);
    };

    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia || !window.isSecureContext) return setProblem('unsupported');
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          video: { facingMode: 'environment' },
          audio: false,
        });
        cleanups.push(() => stream.getTracks().forEach((track) => track.stop()));
        if (stopped || !video.current) return;
        const el = video.current;
        el.srcObject = stream;
        await el.play();

        const formats = kind === 'qr' ? ['qr_code'] : ['ean_13', 'ean_8'];
        const Detector = window.BarcodeDetector;
        if (Detector && (await Detector.getSupportedFormats()).includes(formats[0]!)) {
          const detector = new Detector({ formats });
          const tick = async () => {
            if (stopped) return;
            const codes = await detector.detect(el).catch(() => []);
            const code = codes.find((c) => kind === 'qr' || isJan(c.rawValue));
            if (code?.rawValue) return found(code.rawValue);
            const timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
            cleanups.push(() => clearTimeout(timer));
          };
          void tick();
        } else {
          const zxing = await import('@zxing/browser');
          if (stopped) return;
          const reader = kind === 'qr' ? new zxing.BrowserQRCodeReader() : new zxing.BrowserMultiFormatOneDReader();
          const controls = await reader.decodeFromVideoElement(el, (result) => {
            if (result) found(result.getText());
          });
          cleanups.push(() => controls.stop());
        }
      } catch (err) {
        if (!stopped) setProblem(cameraProblem(err));
      }
    })();

    return () => {
      stopped = true;
      cleanups.forEach((c) => c());
    };
  }, [kind]);

  return (
    <div className="camera" data-camera={problem ? 'unavailable' : 'on'}>
      {problem ? (
        <p className="banner banner-info" role="status">
          {labels[problem]}
        </p>
      ) : (
        <div className={`camera-view${kind === 'jan' ? ' camera-view-wide' : ''}`}>
          <video ref={video} muted playsInline aria-label={labels.aim} />
          <span className="camera-frame" aria-hidden="true" />
          <p className="camera-aim">{labels.aim}</p>
        </div>
      )}
      <Button onClick={onClose}>{labels.stop}</Button>
    </div>
  );
}
