// A QR code of an invoice as an SVG built element by element from the QR matrix: no markup string is
// ever parsed, so nothing in the invoice text can become DOM.
import QRCode from 'qrcode';

/** Modules of quiet zone around the code, as the QR specification asks. */
const QUIET_ZONE = 4;

/** Append a QR code of `text` to `parent` (upper case for BOLT11: smaller alphanumeric codes). */
export function renderQr(parent: HTMLElement, text: string, label: string): SVGSVGElement {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size + QUIET_ZONE * 2;
  const svg = parent.createSvg('svg', {
    cls: 'tzimtzum-qr',
    attr: { viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': label, 'shape-rendering': 'crispEdges' },
  });
  svg.createSvg('rect', { cls: 'tzimtzum-qr-background', attr: { width: size, height: size } });
  svg.createSvg('path', { cls: 'tzimtzum-qr-modules', attr: { d: modulePath(modules.size, (row, col) => modules.get(row, col) !== 0) } });
  return svg;
}

/** One path for every dark module: a unit square per module, runs of a row merged. */
export function modulePath(size: number, dark: (row: number, col: number) => boolean): string {
  const parts: string[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!dark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && dark(row, col)) col++;
      parts.push(`M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`);
    }
  }
  return parts.join('');
}

/** The text to encode for a BOLT11 invoice: the `lightning:` URI wallets open, upper-cased for a denser code. */
export function invoiceQrText(bolt11: string): string {
  return `lightning:${bolt11}`.toUpperCase();
}
