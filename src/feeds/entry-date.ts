/**
 * An entry's date as the catalog writes it, YYYY-MM-DD, on the calendar of the site that wrote it:
 * "Thu, 06 Apr 2017 23:30:00 -0500" is 6 April (not the 7th, as in UTC), as the site's own listing
 * shows it. RSS writes RFC 822 dates, Atom and JSON Feed RFC 3339; anything else that Date reads
 * is taken in UTC. Null when nothing can be read.
 */
import { isRealDate } from '../util/dates.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function entryDate(raw: string): string | null {
  const text = raw.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})(?:$|[T\s])/.exec(text);
  if (iso) return isRealDate(iso[1]!) ? iso[1]! : null;
  const rfc822 = /^(?:[A-Za-z]{3,9},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2}|\d{4})\b/.exec(text);
  if (rfc822) {
    const month = MONTHS.indexOf(rfc822[2]!.toLowerCase()) + 1;
    let year = Number(rfc822[3]);
    // RFC 822's two-digit years: 1970–2069.
    if (rfc822[3]!.length === 2) year += year < 70 ? 2000 : 1900;
    const date = `${year}-${String(month).padStart(2, '0')}-${rfc822[1]!.padStart(2, '0')}`;
    return month > 0 && isRealDate(date) ? date : null;
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) return null;
  const date = new Date(parsed).toISOString().slice(0, 10);
  return isRealDate(date) ? date : null;
}
