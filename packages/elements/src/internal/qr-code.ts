import { svg, type SVGTemplateResult } from 'lit';
import { encode } from 'uqr';

/**
 * A QR code of `text` (an `otpauth://` URI) as inline SVG: one `<path>` of the
 * dark modules, so it scales crisply, follows `currentColor` and needs no
 * inline style or data URL (strict CSP). Medium error correction, as
 * authenticator apps' scanners expect on screens; a quiet zone of 4 modules
 * (ISO/IEC 18004 §6.3.8), without which some phone cameras miss the code.
 * Import it where a step shows a code (its chunk), never from an entry.
 *
 * @example
 * html`<figure part="qr">${qrCode(enrollment.uri, msg('QR code for your authenticator app'))}</figure>`
 */
export function qrCode(text: string, label: string): SVGTemplateResult {
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  let d = '';
  data.forEach((row, y) => {
    // One horizontal run per stretch of dark modules: far fewer path commands than one square each.
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (x + 1 < size && row[x + 1]) x++;
      d += `M${start} ${y}h${x - start + 1}v1H${start}z`;
    }
  });
  return svg`<svg part="qr-code" role="img" aria-label=${label} viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges"><rect width=${size} height=${size} fill="#fff"></rect><path d=${d} fill="#000"></path></svg>`;
}
