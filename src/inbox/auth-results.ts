/**
 * Whether the mailbox's own server authenticated the From address of a
 * message (RFC 8601 Authentication-Results), for unsubscribe requests that
 * carry no token: "please take me off" from the subscriber's own mailbox is
 * heard only when a forger could not have written it.
 *
 * Only the topmost Authentication-Results field is read (the last one added,
 * by the receiving server), and only when its authserv-id is the one
 * configured (newsletter.yaml `inbox.authserv_id`): anyone can write such a
 * field into a message, lower down, with any id. The sender counts as
 * authenticated on `dmarc=pass` for the From domain, or `dkim=pass` /
 * `spf=pass` for a domain aligned with it (the same, or one a subdomain of
 * the other: DMARC's relaxed alignment, without a public-suffix list, which
 * only lets a domain align with its own parents and children).
 *
 * Hand-written: no maintained package parses this field (mailauth's parser
 * is internal and documents that it fails on nested comments, which this one
 * removes first); the grammar needed here is method=result and ptype.property=value.
 */
import { aligned } from '../util/domain-alignment.js';
import { domainOf } from '../util/email-address.js';

interface Resinfo {
  method: string;
  result: string;
  props: Record<string, string>;
}

/** The parts of one Authentication-Results value, or null when it is not one. */
export function parseAuthResults(value: string): { authservId: string; results: Resinfo[] } | null {
  const text = withoutComments(value).replace(/\s+/g, ' ').trim();
  const parts = splitOutsideQuotes(text, ';').map((p) => p.trim());
  const authservId = parts[0]?.split(' ')[0]?.toLowerCase();
  if (!authservId) return null;
  const results: Resinfo[] = [];
  for (const part of parts.slice(1)) {
    const tokens = splitOutsideQuotes(part, ' ').filter((t) => t !== '');
    const [method, result] = (tokens[0] ?? '').split('=');
    if (!method || !result) continue;
    const props: Record<string, string> = {};
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf('=');
      if (eq > 0) props[t.slice(0, eq).toLowerCase()] = unquote(t.slice(eq + 1)).toLowerCase();
    }
    results.push({ method: method.toLowerCase(), result: result.toLowerCase(), props });
  }
  return { authservId, results };
}

/**
 * The From address, if the topmost Authentication-Results field, added by `authservId`, shows it authenticated.
 * `fields`: the values of Authentication-Results in the order they appear in the message.
 */
export function authenticatedSender(fields: string[], authservId: string, from: string | null): string | null {
  if (!from || fields.length === 0) return null;
  const ar = parseAuthResults(fields[0]!);
  if (!ar || ar.authservId !== authservId.toLowerCase()) return null;
  const domain = domainOf(from).toLowerCase();
  const ok = ar.results.some((r) => {
    if (r.result !== 'pass') return false;
    if (r.method === 'dmarc') return (r.props['header.from'] ?? domain) === domain;
    if (r.method === 'dkim') return alignedWith(r.props['header.d'] ?? r.props['header.i']?.split('@').pop(), domain);
    if (r.method === 'spf') return alignedWith(r.props['smtp.mailfrom']?.split('@').pop(), domain);
    return false;
  });
  return ok ? from : null;
}

/** Relaxed alignment (util/domain-alignment.ts) of a domain the result may not name. */
function alignedWith(d: string | undefined, from: string): boolean {
  return d ? aligned(d, from) : false;
}

/** RFC 5322 comments, nested, outside quoted strings, removed. */
function withoutComments(s: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      if (depth === 0) out += c + s[i + 1];
      i++;
    } else if (c === '"' && depth === 0) {
      quoted = !quoted;
      out += c;
    } else if (c === '(' && !quoted) depth++;
    else if (c === ')' && !quoted && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}
