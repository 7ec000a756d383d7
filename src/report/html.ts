/**
 * The report as one self-contained HTML page for people who do not run
 * enews: inline CSS, an inline SVG chart, no script, nothing fetched (the
 * Content-Security-Policy forbids it, so a page opened from a mail
 * attachment stays silent). Counts only: addresses appear only when asked
 * for (--with-addresses), and never the servers' replies or file paths.
 */
import path from 'node:path';
import { sendChart } from './chart.js';
import { codeLabel, codeMeaning } from './codes.js';
import { escapeHtml as h } from '../render/slots.js';
import type { IssueReport } from './report.js';
import { STYLE } from './style.js';
import {
  alertText,
  EVENT_MEANINGS,
  formatCount as n,
  formatPercent,
  NOT_ATTRIBUTED_MEANING,
  REPORT_EVENT_ORDER,
  ROW_MEANINGS,
  SKIP_LABELS,
} from './words.js';

export interface PageOptions {
  /** When the page was made (ISO). */
  generatedAt: string;
}

export function reportPage(r: IssueReport, o: PageOptions): string {
  const title = r.subject ?? `Issue ${r.issue}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>${h(title)}: delivery report</title>`,
    `<style>${STYLE}</style></head><body><main>`,
    `<header><h1>${h(title)}</h1><p class="sub">Delivery report for issue ${r.issue}${when(r)}</p></header>`,
    alerts(r),
    cards(r),
    chart(r),
    delivery(r),
    failures(r),
    events(r),
    addresses(r),
    footer(r, o),
    '</main></body></html>',
  ].join('\n');
}

function when(r: IssueReport): string {
  if (!r.firstRunAt) return '';
  const from = utc(r.firstRunAt);
  const to = r.lastSentAt ? utc(r.lastSentAt) : null;
  return to && to !== from ? `: sent from ${from} to ${to} UTC` : `: sending started ${from} UTC`;
}

/** "2026-05-30 09:41" */
function utc(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

function alerts(r: IssueReport): string {
  if (r.alerts.length === 0) return '';
  const items = r.alerts.map(
    (a) => `<p>${h(alertText(a.type, formatPercent(a.ratePercent), formatPercent(a.limitPercent)))}</p>`,
  );
  return `<section class="alert" role="alert">${items.join('')}</section>`;
}

function cards(r: IssueReport): string {
  const card = (label: string, value: string, note = '', cls = '') =>
    `<div class="card${cls}"><div class="value">${h(value)}</div><div class="label">${h(label)}</div>` +
    (note ? `<div class="note">${h(note)}</div>` : '') +
    '</div>';
  const listNote = r.list.known ? `of ${n(r.list.rows)} rows in the list` : '';
  const alerted = (t: 'complained' | 'bounced') => (r.alerts.some((a) => a.type === t) ? ' bad' : '');
  return (
    '<section class="cards">' +
    card('sent', n(r.sent), listNote) +
    card('failed', n(r.failed), 'refused for good') +
    card('not sent yet', r.notSentYet === null ? 'unknown' : n(r.notSentYet)) +
    card('complaint rate', formatPercent(r.events.ratePercent.complained), 'limit 0.30 %', alerted('complained')) +
    card('hard bounce rate', formatPercent(r.events.ratePercent.bounced), 'limit 2.00 %', alerted('bounced')) +
    card('unsubscribed', n(r.events.attributed.unsubscribed), formatPercent(r.events.ratePercent.unsubscribed)) +
    '</section>'
  );
}

function chart(r: IssueReport): string {
  const c = sendChart(r.perMinute);
  if (!c.svg) return '<section><h2>Sending over time</h2><p>No message was accepted yet.</p></section>';
  const first = r.perMinute[0]!.minute.replace('T', ' ');
  const last = r.perMinute[r.perMinute.length - 1]!.minute.replace('T', ' ');
  const note = c.compressed ? ' Minutes without sends are left out.' : '';
  return (
    '<section><h2>Sending over time</h2>' +
    `<p class="muted">Messages accepted per minute (UTC); the highest bar is ${n(c.peak)}.${note}</p>` +
    `<figure>${c.svg}<figcaption><span>${h(first)}</span><span>${h(last)}</span></figcaption></figure></section>`
  );
}

function row(label: string, value: string, meaning: string, cls = ''): string {
  return (
    `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${h(label)}</th><td class="num">${h(value)}</td>` +
    `<td>${h(meaning)}</td></tr>`
  );
}

function table(head: string[], rows: string[]): string {
  const ths = head.map((c, i) => `<th scope="col"${i === 1 ? ' class="num"' : ''}>${h(c)}</th>`).join('');
  return `<table><thead><tr>${ths}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function delivery(r: IssueReport): string {
  const rows = [row('sent', n(r.sent), sentMeaning(r)), row('failed', n(r.failed), 'refused for good, by code below')];
  if (r.list.known) {
    const l = r.list;
    rows.push(row('not sent yet', n(l.notSentYet), ROW_MEANINGS.notSentYet));
    if (r.deferred) rows.push(row('of them deferred', n(r.deferred), ROW_MEANINGS.deferred, 'sub'));
    const skipped = Object.values(l.skipped).reduce((a, b) => a + b, 0);
    const why = Object.entries(l.skipped)
      .filter(([, c]) => c > 0)
      .map(([k, c]) => `${n(c)} ${SKIP_LABELS[k as keyof typeof SKIP_LABELS] ?? k}`)
      .join(', ');
    rows.push(row('skipped', n(skipped), ROW_MEANINGS.skipped + (why ? `: ${why}` : '')));
    const gone = r.sent + r.failed - l.sent - l.failed;
    if (gone) rows.push(row('no longer in the list', n(-gone), ROW_MEANINGS.notInList));
    rows.push(row('rows in the list', n(l.rows), ROW_MEANINGS.rows, 'total'));
  } else {
    rows.push(row('deferred', n(r.deferred), 'put off at the last run by temporary refusals; retried by the next run'));
    rows.push(row('not sent yet', 'unknown', 'the subscriber file is not available to count against'));
  }
  return `<section><h2>Delivery</h2>${table(['', 'count', 'what it means'], rows)}</section>`;
}

function sentMeaning(r: IssueReport): string {
  const twice = r.possibleDuplicates ? `; ${n(r.possibleDuplicates)} of them possibly twice` : '';
  return ROW_MEANINGS.sent + twice;
}

function failures(r: IssueReport): string {
  if (r.failedByCode.length === 0) return '<section><h2>Failures by reply code</h2><p>None.</p></section>';
  const rows = r.failedByCode.map((f) => row(codeLabel(f.code), n(f.count), codeMeaning(f.code)));
  rows.push(row('total', n(r.failed), 'failed permanently', 'total'));
  return `<section><h2>Failures by reply code</h2>${table(['code', 'count', 'what it means'], rows)}</section>`;
}

function events(r: IssueReport): string {
  const e = r.events;
  // The meaning goes under the event's name: a fifth column would not fit a phone.
  const rows = REPORT_EVENT_ORDER.map(
    (t) =>
      `<tr><th scope="row">${h(t)}<span class="hint">${h(EVENT_MEANINGS[t])}</span></th>` +
      `<td class="num">${n(e.attributed[t])}</td><td class="num">${h(formatPercent(e.ratePercent[t]))}</td>` +
      `<td class="num">${n(e.notAttributed[t])}</td></tr>`,
  );
  const head = ['', 'this issue', 'rate', 'not attributed']
    .map((c, i) => `<th scope="col"${i > 0 ? ' class="num"' : ''}>${h(c)}</th>`)
    .join('');
  return (
    '<section><h2>After delivery</h2>' +
    `<p class="muted">Addresses with events that name issue ${r.issue}; rates are over the ${n(r.sent)} sent. ` +
    `Not attributed: ${h(NOT_ATTRIBUTED_MEANING)}.</p>` +
    `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

function addresses(r: IssueReport): string {
  const a = r.addresses;
  if (!a) return '';
  const list = (title: string, items: string[]) =>
    `<h3>${h(title)} (${n(items.length)})</h3>` +
    (items.length ? `<ul class="addresses">${items.map((i) => `<li>${h(i)}</li>`).join('')}</ul>` : '<p>None.</p>');
  return (
    '<section><h2>Addresses</h2>' +
    list(
      'Failed',
      a.failed.map((f) => `${f.email} (${codeLabel(f.code)})`),
    ) +
    list('Bounced', a.events.attributed.bounced) +
    list('Complained', a.events.attributed.complained) +
    list('Bounced, not attributed', a.events.notAttributed.bounced) +
    list('Complained, not attributed', a.events.notAttributed.complained) +
    '</section>'
  );
}

function footer(r: IssueReport, o: PageOptions): string {
  const journals = r.journals.map((j) => {
    const runs = `${n(j.runs)} ${j.runs === 1 ? 'run' : 'runs'}`;
    const last = !j.lastEnd
      ? 'no run finished'
      : !j.finished
        ? 'the last run did not finish'
        : j.lastEnd.stopped
          ? `the last run stopped early ${utc(j.lastEnd.at)} UTC`
          : `finished ${utc(j.lastEnd.at)} UTC`;
    return `${path.basename(j.file)}${j.shard ? ` (shard ${j.shard})` : ''}: ${runs}, ${last}`;
  });
  const shards = r.missingShards.length
    ? `<p>No journal for shard ${h(r.missingShards.join(', '))}: its subscribers count as not sent yet.</p>`
    : '';
  return (
    `<footer>${shards}<p>From the send journals: ${h(journals.join('; '))}. ` +
    `Report made ${h(utc(o.generatedAt))} UTC by enews.</p></footer>`
  );
}
