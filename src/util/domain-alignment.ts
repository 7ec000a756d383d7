/**
 * DMARC's relaxed alignment (RFC 7489 §3.1) as far as it can be told without
 * a public-suffix list: two domains align when they are the same or one is a
 * subdomain of the other. Sibling subdomains of one organisation
 * (news.example.org, mail.example.org) align for DMARC too, but telling them
 * from two strangers under a public suffix (a.co.uk, b.co.uk) needs that
 * list: here they count as unaligned — a warning at worst for the sender's
 * own checks (bounce_address at build, DKIM_DOMAIN at send), and for the
 * inbox (inbox/auth-results.ts) a tokenless request not believed.
 */
import { domainToASCII } from 'node:url';

export function aligned(a: string, b: string): boolean {
  const x = ascii(a);
  const y = ascii(b);
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}

function ascii(domain: string): string {
  const d = domain.toLowerCase().replace(/\.$/, '');
  return domainToASCII(d) || d;
}
