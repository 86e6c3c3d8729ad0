import { render } from 'lit';
import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { qrCode } from './qr-code.js';

const uri = 'otpauth://totp/Latchkey:ana%40acme.test?secret=JBSWY3DPEHPK3PXP&issuer=Latchkey&algorithm=SHA1&digits=6&period=30';

describe('qrCode', () => {
  it('draws exactly the dark modules of the encoded URI, with a quiet zone, as one labelled SVG path', () => {
    const host = document.createElement('div');
    render(qrCode(uri, 'QR code'), host);
    const svgEl = host.querySelector('svg')!;
    expect(svgEl.getAttribute('role')).toBe('img');
    expect(svgEl.getAttribute('aria-label')).toBe('QR code');
    const { data, size } = encode(uri, { ecc: 'M', border: 4 });
    expect(svgEl.getAttribute('viewBox')).toBe(`0 0 ${size} ${size}`);
    // Every run of the path covers dark modules only, and together they cover every dark module once.
    const covered = new Set<string>();
    for (const [, x, y, w] of svgEl.querySelector('path')!.getAttribute('d')!.matchAll(/M(\d+) (\d+)h(\d+)v1H\d+z/g)) {
      for (let i = 0; i < Number(w); i++) {
        const key = `${Number(x) + i},${y}`;
        expect(data[Number(y)]![Number(x) + i], key).toBe(true);
        expect(covered.has(key)).toBe(false);
        covered.add(key);
      }
    }
    expect(covered.size).toBe(data.flat().filter(Boolean).length);
    // The quiet zone: the first and last 4 rows and columns are light.
    expect(data.slice(0, 4).flat().some(Boolean)).toBe(false);
    expect(data.map((row) => row.slice(0, 4)).flat().some(Boolean)).toBe(false);
  });
});
