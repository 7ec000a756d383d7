/**
 * Messages sent per minute as an inline SVG bar chart: no script, no
 * library, no request. One bar per minute with sends. A send that fits in
 * three hours is drawn on a continuous time axis (gaps show as gaps); a
 * longer one (resumed the next day, say) draws only its minutes with sends,
 * side by side, so the bars stay wide enough to see. Text lives outside the
 * SVG, in the page, where it keeps a readable size on a phone.
 */
import { escapeHtml } from '../render/slots.js';

const WIDTH = 600;
const HEIGHT = 160;
const CONTINUOUS_MAX_MINUTES = 180;

export interface Chart {
  svg: string;
  /** The largest bar (messages in one minute). */
  peak: number;
  /** True when minutes without sends were left out. */
  compressed: boolean;
}

export function sendChart(perMinute: Array<{ minute: string; sent: number }>): Chart {
  if (perMinute.length === 0) return { svg: '', peak: 0, compressed: false };
  const times = perMinute.map((m) => Date.parse(`${m.minute}:00Z`) / 60000);
  const first = times[0]!;
  const span = times[times.length - 1]! - first + 1;
  const compressed = span > CONTINUOUS_MAX_MINUTES;
  const slots = compressed ? perMinute.length : span;
  const slot = WIDTH / slots;
  // A gap between bars while they are wide enough to show one.
  const gap = slot >= 4 ? slot * 0.15 : 0;
  const peak = Math.max(...perMinute.map((m) => m.sent));
  const bars = perMinute.map((m, i) => {
    const x = (compressed ? i : times[i]! - first) * slot + gap / 2;
    const h = Math.max(1, (m.sent / peak) * (HEIGHT - 4));
    const label = `${m.minute.slice(11)} UTC: ${m.sent} sent`;
    return (
      `<rect class="bar" x="${num(x)}" y="${num(HEIGHT - h)}" width="${num(slot - gap)}" height="${num(h)}">` +
      `<title>${escapeHtml(label)}</title></rect>`
    );
  });
  const svg =
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" preserveAspectRatio="none" role="img" ` +
    `aria-label="Messages sent per minute, ${perMinute.length} minutes, at most ${peak} in one minute">` +
    `<line class="axis" x1="0" y1="${HEIGHT - 0.5}" x2="${WIDTH}" y2="${HEIGHT - 0.5}"></line>` +
    bars.join('') +
    '</svg>';
  return { svg, peak, compressed };
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}
