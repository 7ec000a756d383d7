/** The report page's stylesheet, inline: one column that reads on a phone (375 px) and prints on A4. */
export const STYLE = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #dfe3ea; --accent: #1f5fa8; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f6f8; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 880px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 0.25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.25rem; }
section, header { margin-bottom: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px; }
.sub, .muted { color: var(--muted); margin: 0 0 0.5rem; }
.alert { background: #fdecea; border-color: #f3b9b4; color: var(--bad); font-weight: 600; }
.alert p { margin: 0.25rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(125px, 1fr)); gap: 10px;
  background: none; border: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .value { font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { font-weight: 600; }
.card .note { color: var(--muted); font-size: 0.85rem; }
.card.bad { border-color: var(--bad); }
.card.bad .value { color: var(--bad); }
figure { margin: 0; }
.chart { display: block; width: 100%; height: 160px; }
.chart .bar { fill: var(--accent); }
.chart .axis { stroke: var(--line); stroke-width: 1; }
figcaption { display: flex; justify-content: space-between; color: var(--muted); font-size: 0.85rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px 6px 0; border-top: 1px solid var(--line); }
thead th { border-top: 0; color: var(--muted); font-weight: 600; font-size: 0.85rem; }
tbody th { font-weight: 600; white-space: nowrap; }
td { overflow-wrap: anywhere; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; padding-right: 12px; }
thead th.num { white-space: normal; }
.hint { display: block; font-weight: 400; font-size: 0.85rem; color: var(--muted); white-space: normal; }
tr.sub th { font-weight: 400; padding-left: 12px; }
tr.total th, tr.total td { border-top: 2px solid var(--ink); }
.addresses { margin: 0; padding-left: 1.2rem; columns: 2 220px; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 0.85rem; }
@media (max-width: 480px) {
  main { padding: 10px; }
  th, td { padding-right: 6px; }
  .num { padding-right: 6px; }
}
@media print {
  body { background: #fff; }
  section, .card { break-inside: avoid; }
}
`;
