#!/usr/bin/env node
// Draws the example project's pictures into images/: the newsletter's logo (a text mark drawn for
// this project, not the ILO's trademark) and an illustration for the Consorzio Copernico item of
// issue 3. Both are SVG drawn with shapes only (no font, so the result is the same on every
// machine), rendered with sharp. The PNG and JPEG are committed; run this only to redraw them:
//   node scripts/draw-example-images.js
// `enews build` makes the email's copies from these files (src/images/publish.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'images');

// "COOP" in white strokes on a transparent ground, the two O's linked like rings: it sits on the
// brand colour of the email's header, in light and dark mode alike.
const logo = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200" viewBox="0 0 600 200">
  <g fill="none" stroke="#ffffff" stroke-width="26" stroke-linecap="round">
    <path d="M 143.8 56.2 A 62 62 0 1 0 143.8 143.8" />
    <circle cx="235" cy="100" r="62" />
    <circle cx="345" cy="100" r="62" />
    <path d="M 440 170 L 440 38 L 485 38 A 40 40 0 0 1 485 118 L 440 118" stroke-linejoin="round" />
  </g>
  <rect x="38" y="186" width="490" height="6" rx="3" fill="#f5b400" />
</svg>`;

// Six circles around a seventh, joined by lines: six cooperatives of one consortium.
function copernico() {
  const cx = 600;
  const cy = 337;
  const members = Array.from({ length: 6 }, (_, i) => {
    const a = (Math.PI / 3) * i - Math.PI / 2;
    return { x: Math.round(cx + 210 * Math.cos(a)), y: Math.round(cy + 210 * Math.sin(a)) };
  });
  const colours = ['#f5b400', '#e5553b', '#2fa36b', '#2b8fd6', '#8e5bd0', '#f08c2e'];
  const links = members
    .map((m, i) => {
      const n = members[(i + 1) % members.length];
      return `<line x1="${cx}" y1="${cy}" x2="${m.x}" y2="${m.y}" /><line x1="${m.x}" y1="${m.y}" x2="${n.x}" y2="${n.y}" />`;
    })
    .join('');
  const dots = members.map((m, i) => `<circle cx="${m.x}" cy="${m.y}" r="62" fill="${colours[i]}" />`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675" viewBox="0 0 1200 675">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1e2dbe" /><stop offset="1" stop-color="#101a73" />
    </linearGradient>
  </defs>
  <rect width="1200" height="675" fill="url(#sky)" />
  <circle cx="160" cy="560" r="260" fill="#ffffff" fill-opacity="0.06" />
  <circle cx="1080" cy="110" r="200" fill="#ffffff" fill-opacity="0.06" />
  <g stroke="#ffffff" stroke-opacity="0.7" stroke-width="10" stroke-linecap="round">${links}</g>
  ${dots}
  <circle cx="${cx}" cy="${cy}" r="84" fill="#ffffff" />
  <circle cx="${cx}" cy="${cy}" r="40" fill="#1e2dbe" />
</svg>`;
}

mkdirSync(out, { recursive: true });
const png = await sharp(Buffer.from(logo)).png({ compressionLevel: 9, palette: true }).toBuffer();
writeFileSync(path.join(out, 'logo.png'), png);
const jpeg = await sharp(Buffer.from(copernico())).jpeg({ quality: 90 }).toBuffer();
writeFileSync(path.join(out, 'copernico.jpg'), jpeg);
console.log(`images/logo.png ${png.length} bytes, images/copernico.jpg ${jpeg.length} bytes`);
