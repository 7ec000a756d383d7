/**
 * One subscriber row: the header decides which field is which, zod checks
 * each row. Anything that could turn into a header, a recipient or markup
 * somewhere downstream (line breaks, bidi overrides, control characters)
 * makes the row invalid rather than being passed along.
 */
import { z } from 'zod';
import { EnewsError, type Problem } from '../errors.js';
import { closest } from '../util/closest.js';
import { addressKey, checkEmailAddress } from '../util/email-address.js';
import type { CsvHeader, CsvRow } from './csv-rows.js';

export const STATUSES = ['subscribed', 'unsubscribed', 'bounced'] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);
const LANGUAGE = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]+)*$/;
const KNOWN = ['email', 'name', 'language', 'status'] as const;
const ALIASES: Record<string, (typeof KNOWN)[number]> = {
  'e-mail': 'email',
  'email address': 'email',
  'e-mail address': 'email',
  mail: 'email',
  'full name': 'name',
  lang: 'language',
};

const LINE_BREAK = /[\r\n\u2028\u2029]/;
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u;
const ANY_BAD = /[\r\n\u2028\u2029\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/u;

/** One check per value (this runs for every field of every row of the list). */
const safeText = (max: number) =>
  z
    .string()
    .superRefine((s, ctx) => {
      if (s.length <= max && !ANY_BAD.test(s)) return;
      const problem = LINE_BREAK.test(s)
        ? 'contains a line break'
        : UNSAFE.test(s)
          ? 'contains a control or text-direction override character'
          : `is longer than ${max} characters`;
      ctx.addIssue({ code: 'custom', message: `"${truncate(s)}" ${problem}` });
    })
    .transform((s) => s.trim());

export const subscriberRowSchema = z.object({
  email: z.string().transform((s, ctx) => {
    const check = checkEmailAddress(s);
    if (check.ok) return check.address;
    ctx.addIssue({
      code: 'custom',
      message: s.trim() === '' ? 'is empty' : `"${truncate(s)}" is not a valid address: it ${check.reason}`,
    });
    return z.NEVER;
  }),
  name: safeText(200),
  language: z
    .string()
    .trim()
    .superRefine((s, ctx) => {
      if (s === '' || LANGUAGE.test(s)) return;
      ctx.addIssue({ code: 'custom', message: `"${truncate(s)}" must be a language code such as en or fr` });
    }),
  status: z.string().transform((s, ctx): Status => {
    const status = s.trim().toLowerCase();
    if (status === '') return 'subscribed';
    if (isStatus(status)) return status;
    ctx.addIssue({
      code: 'custom',
      message: `"${truncate(s.trim())}" must be one of ${STATUSES.join(', ')} (or empty, meaning subscribed)`,
    });
    return z.NEVER;
  }),
  fields: z.record(z.string(), safeText(1000)),
});

/** Who a message is for: what personalisation needs of a subscriber (a review sample is one too). */
export interface Recipient {
  email: string;
  /** Lower-cased address: identity for dedupe, journal and Message-ID. */
  key: string;
  name: string;
  /** Other CSV columns (merge fields), by column name. */
  fields: Readonly<Record<string, string>>;
}

export interface Subscriber extends Recipient {
  line: number;
  language: string;
  status: Status;
}

/** Maps header columns to roles; refuses a header without an email column. */
export interface ColumnMap {
  email: number;
  name: number;
  language: number;
  status: number;
  /** Merge fields: slot name → column index. */
  fields: Array<[string, number]>;
  width: number;
  /** Columns that look like a misspelt known column ("naam" with no "name"). */
  warnings: Problem[];
}

export function mapColumns(header: CsvHeader, file: string): ColumnMap {
  const shown = file;
  const roles = header.columns.map((c) => ALIASES[c] ?? c);
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  roles.forEach((r, i) => {
    if (r === '')
      problems.push({
        message: `column ${i + 1} of the header has no name`,
        location: { file: shown, line: header.line },
      });
    else if (seen.has(r))
      problems.push({
        message: `column "${r}" appears twice in the header`,
        location: { file: shown, line: header.line },
      });
    seen.set(r, i);
  });
  if (!seen.has('email')) {
    const near = closest('email', roles.filter(Boolean), 1)[0];
    problems.push({
      message: `the header has no "email" column (found: ${roles.join(', ') || 'nothing'})`,
      location: { file: shown, line: header.line },
      hint: near
        ? `Rename "${near}" to email.`
        : /@/.test(header.columns.join(' '))
          ? 'The first row looks like data: add a header row such as email,name,language,status.'
          : 'The first row must name the columns, e.g. email,name,language,status.',
    });
  }
  if (problems.length) throw new EnewsError('csv-header', `${shown} has an unusable header row`, { problems });
  const idx = (r: string) => seen.get(r) ?? -1;
  const warnings: Problem[] = [];
  for (const r of roles) {
    if ((KNOWN as readonly string[]).includes(r)) continue;
    const near = closest(
      r,
      KNOWN.filter((k) => !seen.has(k)),
      1,
    )[0];
    if (near) {
      warnings.push({
        message: `column "${r}" is used as a merge field ({{slot "${r}"}}); did you mean "${near}"?`,
        location: { file: shown, line: header.line },
        hint: `If it holds the ${near}, rename the column to ${near}.`,
      });
    }
  }
  return {
    warnings,
    email: idx('email'),
    name: idx('name'),
    language: idx('language'),
    status: idx('status'),
    fields: roles
      .map((r, i) => [r.replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, ''), i] as [string, number])
      .filter(([r, i]) => !(KNOWN as readonly string[]).includes(roles[i]!) && r !== ''),
    width: roles.length,
  };
}

export type RowResult = { ok: true; subscriber: Subscriber } | { ok: false; problem: Problem };

export function parseRow(row: CsvRow, cols: ColumnMap, file: string): RowResult {
  // Computed only when a row is wrong: valid rows, the millions of them, never need it.
  const location = () => ({ file, line: row.line });
  if (row.fields.length > cols.width) {
    return {
      ok: false,
      problem: {
        message: `has ${row.fields.length} fields but the header has ${cols.width}`,
        location: location(),
        hint: 'A value containing the delimiter (e.g. a comma in a name) must be in double quotes: "Smith, Jane".',
      },
    };
  }
  const at = (i: number) => (i >= 0 ? (row.fields[i] ?? '') : '');
  const parsed = subscriberRowSchema.safeParse({
    email: at(cols.email),
    name: at(cols.name),
    language: at(cols.language),
    status: at(cols.status),
    fields: Object.fromEntries(cols.fields.map(([name, i]) => [name, at(i)])),
  });
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'row'} ${i.message}`).join('; ');
    return { ok: false, problem: { message, location: location() } };
  }
  const d = parsed.data;
  return {
    ok: true,
    subscriber: {
      line: row.line,
      email: d.email,
      key: addressKey(d.email),
      name: d.name,
      language: d.language,
      status: d.status,
      fields: d.fields,
    },
  };
}

/** A value as it can be shown in a message: 60 characters at most, escaped, invisible characters made visible. */
function truncate(s: string): string {
  // Cut before escaping, so that no escape is cut in half (and a 10,000-character value is not escaped whole).
  // JSON escapes quotes, backslashes and C0 controls; the other invisible characters are shown as \u200b
  // so people can see what to delete.
  const flat = JSON.stringify(s.slice(0, 60))
    .slice(1, -1)
    .replace(
      /[\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return s.length > 60 ? flat + '…' : flat;
}
