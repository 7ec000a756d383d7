import { domainToASCII } from 'node:url';
import punycode from 'punycode.js';

/**
 * Address syntax as mail servers accept it in practice: a dot-atom local part
 * (RFC 5322, extended to UTF-8 by RFC 6531) and a domain that is valid after
 * IDNA conversion. Quoted local parts and IP-literal domains are refused:
 * newsletter lists never need them and they are a classic injection vector.
 */

// atext of RFC 5322 plus any non-ASCII character (RFC 6531 UTF8-non-ascii).
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/u;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// Controls, bidi overrides and other invisible format characters never belong in an address.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

export type AddressCheck = { ok: true; address: string } | { ok: false; reason: string };

export function checkEmailAddress(raw: string): AddressCheck {
  if (/[\r\n]/.test(raw)) return { ok: false, reason: 'contains a line break' };
  if (FORBIDDEN.test(raw)) return { ok: false, reason: 'contains an invisible or control character' };
  const address = raw.trim();
  if (address === '') return { ok: false, reason: 'is empty' };
  // Checked before the space check below, which would otherwise be the reason given for "john doe"@….
  if (address.startsWith('"') && address.lastIndexOf('"@') > 0) {
    return { ok: false, reason: 'has a quoted part before the @: quoted local parts ("…"@domain) are not supported' };
  }
  if (/\s/u.test(address)) return { ok: false, reason: 'contains a space' };
  if (address.length > 254) return { ok: false, reason: 'is longer than 254 characters' };
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return { ok: false, reason: 'needs the form name@domain' };
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: 'has a part before @ longer than 64 characters' };
  if (local.includes('@')) return { ok: false, reason: 'contains more than one @' };
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return { ok: false, reason: 'has a misplaced dot before the @' };
  }
  if (!local.split('.').every((atom) => LOCAL_ATOM.test(atom))) {
    return { ok: false, reason: 'has a character that is not allowed before the @' };
  }
  // Only domains with an xn-- label pay for this check.
  if (/xn--/i.test(domain)) {
    const bad = invalidPunycodeLabel(domain);
    if (bad) return { ok: false, reason: `has an invalid domain "${domain}": "${bad}" is not valid punycode` };
  }
  // Most domains are ASCII already; the IDNA conversion is only needed for the others.
  const ascii = /^[\x00-\x7f]*$/.test(domain) ? domain.toLowerCase() : domainToASCII(domain);
  if (ascii === '') return { ok: false, reason: `has an invalid domain "${domain}"` };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) {
    return { ok: false, reason: `has an invalid domain "${domain}"` };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    return { ok: false, reason: `has an invalid domain "${domain}"` };
  }
  return { ok: true, address };
}

/**
 * The first xn-- label that is not the A-label of a Unicode name. Node's IDNA conversion passes some
 * malformed ones through unchanged (xn--abc- decodes to plain "abc", which no registry would issue) and
 * refuses others only as a whole domain, so each label is decoded and encoded again: a valid one comes back
 * the same.
 */
function invalidPunycodeLabel(domain: string): string | undefined {
  return domain
    .toLowerCase()
    .split('.')
    .find((label) => label.startsWith('xn--') && !isALabel(label));
}

/**
 * A valid A-label decodes (punycode.js: Node's own IDNA passes bad labels
 * through unchanged since Node 22), holds something that is not ASCII (else
 * it is not an A-label of anything), and is exactly what IDNA makes of it.
 */
function isALabel(label: string): boolean {
  let decoded: string;
  try {
    decoded = punycode.decode(label.slice(4));
  } catch {
    return false;
  }
  return (
    /[^\x00-\x7f]/.test(decoded) && punycode.encode(decoded) === label.slice(4) && domainToASCII(decoded) === label
  );
}

/** The domain of an address: what follows its last @. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** The key under which two spellings of one mailbox are the same subscriber. */
export function addressKey(address: string): string {
  // Case-insensitive, as staff expect of a list (strictly only the domain is); IDN domains compare in ASCII form.
  const lower = address.toLowerCase();
  if (!/[^\x00-\x7f]/.test(lower)) return lower;
  const at = lower.lastIndexOf('@');
  return lower.slice(0, at) + '@' + domainToASCII(lower.slice(at + 1));
}
