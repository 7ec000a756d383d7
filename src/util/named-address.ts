/**
 * A person as people write one in a mail header or a config file: `Jane Doe <jane@example.org>`,
 * or the address alone. Approvals name their approvers this way; two spellings of one address
 * (case, an IDN domain) are the same person (addressKey).
 */
import { addressKey, checkEmailAddress } from './email-address.js';

export interface NamedAddress {
  /** The name as written, trimmed; '' when only the address was given. */
  name: string;
  address: string;
  /** The address as a key: the same person whatever the spelling. */
  key: string;
}

export type NamedAddressCheck = ({ ok: true } & NamedAddress) | { ok: false; reason: string };

/** A name long enough for anyone's, short enough to stay one readable line. */
const MAX_NAME = 200;
// Controls, bidi overrides and invisible format characters would make a name read as someone else's.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff<>"]/u;

export function parseNamedAddress(raw: string): NamedAddressCheck {
  const text = raw.trim();
  const m = /^(.*?)\s*<([^<>]*)>$/su.exec(text);
  // A quoted name, as mail programs write one with a comma ("O'Brien, Seán" <…>), is the name without its quotes.
  const name = m ? m[1]!.trim().replace(/^"(.*)"$/su, '$1') : '';
  const address = m ? m[2]! : text;
  if (UNSAFE.test(name)) return { ok: false, reason: 'has a name with a character that does not belong in a name' };
  if (name.length > MAX_NAME) return { ok: false, reason: `has a name longer than ${MAX_NAME} characters` };
  const check = checkEmailAddress(address);
  if (!check.ok) {
    return {
      ok: false,
      reason: m ? `has an address that ${check.reason}` : `is not "Name <address>" nor an address: it ${check.reason}`,
    };
  }
  return { ok: true, name, address: check.address, key: addressKey(check.address) };
}

/** `Jane Doe <jane@example.org>`, or the address alone when there is no name. */
export function formatNamedAddress(p: { name: string; address: string }): string {
  return p.name ? `${p.name} <${p.address}>` : p.address;
}
