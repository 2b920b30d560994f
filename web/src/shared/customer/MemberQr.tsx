import { useMemo } from 'react';
import { create } from 'qrcode';

const QUIET = 2;

/**
 * The member code as a QR, drawn as one SVG path from the qrcode package's module matrix: crisp at any
 * size, pure black on white for the register's scanner. The code text is on the element (data-code) for
 * tests and assistive technology, which read the label.
 */
export function MemberQr({ code, label }: { code: string; label: string }) {
  const { size, d } = useMemo(() => {
    const { modules } = create(code, { errorCorrectionLevel: 'M' });
    let path = '';
    for (let y = 0; y < modules.size; y++) {
      for (let x = 0; x < modules.size; x++) {
        if (modules.get(y, x)) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
      }
    }
    return { size: modules.size + QUIET * 2, d: path };
  }, [code]);

  return (
    <svg
      className="member-qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      data-code={code}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
