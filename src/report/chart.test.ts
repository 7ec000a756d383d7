import { describe, expect, it } from 'vitest';
import { sendChart } from './chart.js';

const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)">/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
  }));

describe('sendChart', () => {
  it('draws nothing for a send without deliveries', () => {
    expect(sendChart([])).toEqual({ svg: '', peak: 0, compressed: false });
  });

  it('one bar per minute with sends, on a time axis: a quiet minute is a gap', () => {
    const c = sendChart([
      { minute: '2026-05-30T09:00', sent: 50 },
      { minute: '2026-05-30T09:01', sent: 100 },
      { minute: '2026-05-30T09:03', sent: 25 },
    ]);
    expect(c).toMatchObject({ peak: 100, compressed: false });
    const b = bars(c.svg);
    expect(b).toHaveLength(3);
    // Four minutes across 600 units: 150 each, the third bar in the fourth slot.
    expect(b.map((x) => Math.round(x.x / 150))).toEqual([0, 1, 3]);
    expect(b[1]!.height).toBeCloseTo(156);
    expect(b[0]!.height).toBeCloseTo(78);
    expect(b[2]!.y + b[2]!.height).toBe(160);
    expect(c.svg).toContain('<title>09:01 UTC: 100 sent</title>');
    expect(c.svg).not.toContain('xmlns');
    expect(c.svg).not.toMatch(/https?:/);
  });

  it('a send resumed the next day draws only its minutes with sends, side by side', () => {
    const c = sendChart([
      { minute: '2026-05-30T09:00', sent: 10 },
      { minute: '2026-05-31T09:00', sent: 1 },
    ]);
    expect(c.compressed).toBe(true);
    const b = bars(c.svg);
    expect(b.map((x) => Math.round(x.x / 300))).toEqual([0, 1]);
    // Even a minute of one message among thousands stays visible.
    expect(
      bars(
        sendChart([
          { minute: '2026-05-30T09:00', sent: 1 },
          { minute: '2026-05-30T09:01', sent: 100000 },
        ]).svg,
      )[0]!.height,
    ).toBeGreaterThanOrEqual(1);
  });
});
