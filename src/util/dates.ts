/** Calendar dates are plain `YYYY-MM-DD` strings: no time zones to get wrong. */

export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * "2017-04-26" → "26 April 2017" in English (as the ILO listing writes dates: day first, two
 * digits), "26 avril 2017" in French, "26 de abril de 2017" in Spanish: the language's own long
 * form, from Intl. English is en-GB's form whatever the variant, so an English newsletter keeps the
 * dates it always had (plain `en` in Intl would write "April 26, 2017").
 */
export function formatLongDate(value: string, language = 'en'): string {
  const english = language === 'en' || language.startsWith('en-');
  const key = english ? 'en' : language;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(english ? 'en-GB' : language, {
      day: english ? '2-digit' : 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
    formats.set(key, format);
  }
  const [y, mo, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.
  date.setUTCFullYear(y, mo - 1, d);
  return format.format(date);
}

/** Building a DateTimeFormat costs far more than using one; a build formats dozens of dates. */
const formats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in UTC as YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
