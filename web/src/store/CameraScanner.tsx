import { useEffect, useRef, useState } from 'react';
import { useT, type MessageKey } from '../shared/i18n';
import { Button } from '../shared/ui';

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

function cameraProblem(err: unknown): MessageKey {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'store.members.cameraDenied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError')
    return 'store.members.cameraMissing';
  return 'store.members.cameraUnsupported';
}

/**
 * Read a member QR with the device camera: the browser's own BarcodeDetector where it has one, otherwise
 * ZXing (loaded only now, so the till that never opens the camera never downloads it). Without a camera,
 * permission or a secure origin it says so and the scanner field keeps working.
 */
export function CameraScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const handler = useRef(onCode);
  handler.current = onCode;

  useEffect(() => {
    let stopped = false;
    const cleanups: (() => void)[] = [];
    const found = (code: string) => {
      if (stopped) return;
      stopped = true;
      handler.current(code);
    };

    void (async () => {
      if (!navigator.mediaDevices?.getUserMedia || !window.isSecureContext)
        return setProblem('store.members.cameraUnsupported');
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

        const Detector = window.BarcodeDetector;
        if (Detector && (await Detector.getSupportedFormats()).includes('qr_code')) {
          const detector = new Detector({ formats: ['qr_code'] });
          const tick = async () => {
            if (stopped) return;
            const codes = await detector.detect(el).catch(() => []);
            if (codes[0]?.rawValue) return found(codes[0].rawValue);
            const timer = setTimeout(() => void tick(), SCAN_EVERY_MS);
            cleanups.push(() => clearTimeout(timer));
          };
          void tick();
        } else {
          const { BrowserQRCodeReader } = await import('@zxing/browser');
          if (stopped) return;
          const controls = await new BrowserQRCodeReader().decodeFromVideoElement(el, (result) => {
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
  }, []);

  return (
    <div className="camera" data-camera={problem ? 'unavailable' : 'on'}>
      {problem ? (
        <p className="banner banner-info" role="status">
          {t(problem)}
        </p>
      ) : (
        <div className="camera-view">
          <video ref={video} muted playsInline aria-label={t('store.members.cameraAim')} />
          <span className="camera-frame" aria-hidden="true" />
          <p className="camera-aim">{t('store.members.cameraAim')}</p>
        </div>
      )}
      <Button onClick={onClose}>{t('store.members.cameraStop')}</Button>
    </div>
  );
}
