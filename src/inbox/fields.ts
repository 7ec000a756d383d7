/**
 * Small readers for the values of header fields and report fields (which
 * libmime.decodeHeaders has already unfolded into name → values).
 */
import { addressKey } from '../util/email-address.js';

/** Header or report fields: lower-case name → every value, in order. */
export type Fields = Record<string, string[]>;

export function first(f: Fields | null | undefined, name: string): string | undefined {
  const v = f?.[name]?.[0];
  return v === undefined ? undefined : v.trim();
}

export function all(f: Fields | null | undefined, name: string): string[] {
  return (f?.[name] ?? []).map((v) => v.trim());
}

/**
 * The address in a report field or a single-address header: "rfc822; a@b" (RFC 3464's
 * address-type; value), "<a@b>", "a@b". Only rfc822 (and utf-8, RFC 6533) addresses are mail addresses.
 */
export function bareAddress(value: string | undefined): string | null {
  if (!value) return null;
  let v = value.trim();
  const semi = v.indexOf(';');
  if (semi >= 0) {
    const type = v.slice(0, semi).trim().toLowerCase();
    if (type !== 'rfc822' && type !== 'utf-8') return null;
    v = v.slice(semi + 1).trim();
  }
  v = v.replace(/^<|>$/g, '').trim();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(v) ? v : null;
}

/** Every address key a list of address values names, once each. */
export function addressKeys(values: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const a = bareAddress(v ?? undefined);
    if (a) out.add(addressKey(a));
  }
  return [...out];
}

/** The Message-IDs in a Message-ID, In-Reply-To or References value, with their angle brackets. */
export function messageIds(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) for (const m of v.matchAll(/<[^<>\s]+>/g)) out.push(m[0]);
  return out;
}

export type StatusClass = 'permanent' | 'temporary';

/** The class of an RFC 3463 status code ("5.1.1", "4.4.7 (delayed)"), or null for none or success. */
export function statusClass(status: string | undefined): StatusClass | null {
  const m = /^([245])\.\d{1,3}\.\d{1,3}/.exec(status?.trim() ?? '');
  return m?.[1] === '5' ? 'permanent' : m?.[1] === '4' ? 'temporary' : null;
}

/**
 * A status read from a Diagnostic-Code when the Status field is missing: its enhanced
 * code ("550 5.1.1 …"), else its SMTP reply code ("550 …").
 */
export function statusFromDiagnostic(diagnostic: string | undefined): string | undefined {
  if (!diagnostic) return undefined;
  const enhanced = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(diagnostic);
  if (enhanced) return enhanced[1];
  const reply = /(?:^|[;\s])([245])\d\d[\s-]/.exec(diagnostic);
  return reply ? `${reply[1]}.0.0` : undefined;
}

/** Text for the events file: one line, without runs of spaces, at most `max` characters. */
export function oneLine(s: string, max = 300): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
