/**
 * `enews new`: the next issue file, with the catalog items published since
 * the previous issue preselected. Planning is separate from writing so the
 * preselection can be tested without touching files.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Document } from 'yaml';
import { EnewsError } from '../errors.js';
import { formatLongDate } from '../util/dates.js';
import { type ContentPaths, issueFileName, listIssueFiles, loadCatalog, loadIssue } from './load.js';
import { typeRank } from './item-types.js';
import type { Item } from './schema.js';

export interface NewIssuePlan {
  number: number;
  date: string;
  file: string;
  previous: { number: number; date: string } | null;
  items: Item[];
}

/** `types`: the newsletter's item types, in the order the issue shows them (item-types.ts). */
export function planNewIssue(
  paths: ContentPaths,
  opts: { date: string; number?: number; types: readonly string[] },
): NewIssuePlan {
  const existing = listIssueFiles(paths);
  const number = opts.number ?? (existing.length ? existing[existing.length - 1]!.number + 1 : 1);
  const file = path.join(paths.issuesDir, issueFileName(number));
  const clash = existing.find((f) => f.number === number);
  if (clash || existsSync(file)) {
    throw new EnewsError(
      'issue-exists',
      `Issue ${number} already exists (${clash?.file ?? file}); enews new never overwrites an issue.`,
      {
        problems: [{ message: `Edit that file, or choose another number with --number.` }],
      },
    );
  }
  const before = existing.filter((f) => f.number < number);
  const prevFile = before[before.length - 1];
  const previous = prevFile ? { number: prevFile.number, date: loadIssue(paths, prevFile.number).issue.date } : null;
  if (previous && opts.date < previous.date) {
    throw new EnewsError(
      'date-before-previous',
      `--date ${opts.date} is before issue ${previous.number} (${previous.date}).`,
      {
        problems: [{ message: 'Give a date after the previous issue, e.g. --date ' + dayAfter(previous.date) }],
      },
    );
  }
  // Usually `enews new` run twice (the default date is today): a second issue with nothing new in it.
  if (previous && opts.date === previous.date) {
    throw new EnewsError(
      'date-of-previous',
      `Issue ${previous.number} already has the date ${previous.date} ` +
        `(${prevFile!.file}); a new issue needs a later date.`,
      {
        problems: [
          {
            message:
              `To work on issue ${previous.number}, edit ${prevFile!.file}. To start issue ` +
              `${number}, give its date: enews new --date ${dayAfter(previous.date)} (or later).`,
          },
        ],
      },
    );
  }
  const catalog = loadCatalog(paths, opts.types);
  const rank = typeRank(opts.types);
  const items = [...catalog.items.values()]
    .map((c) => c.item)
    .filter((i) => i.announces === undefined && i.date <= opts.date && (!previous || i.date > previous.date))
    .sort((a, b) => rank(a.type) - rank(b.type) || b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
  return { number, date: opts.date, file, previous, items };
}

/** "2017-04-26" → "2017-04-27". */
function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The issue file's text. `schemaLine` is its first line, which names the issue's JSON Schema for
 * editors (project/schema-line.ts: where the schemas are depends on how the project holds enews).
 */
export function newIssueYaml(plan: NewIssuePlan, schemaLine: string): string {
  const doc = new Document({
    number: plan.number,
    date: plan.date,
    preheader: 'TODO: one line that mail clients show after the subject.',
    intro: 'TODO: write the introduction (Markdown).\n',
    items: plan.items.map((i) => i.id),
  });
  const items = doc.get('items', true) as { items: Array<{ comment?: string }> } | undefined;
  plan.items.forEach((item, i) => {
    const node = items?.items[i];
    if (node) node.comment = ` ${item.type}, ${formatLongDate(item.date)}`;
  });
  const since = plan.previous ? `since issue ${plan.previous.number} (${plan.previous.date})` : 'up to this date';
  doc.commentBefore =
    ` Issue ${plan.number}. Items preselected from the catalog: those dated ${since}.\n` +
    ` Reorder or remove them, write the intro, then: enews check ${plan.number}`;
  // The schema line comes first: editors (VS Code's YAML extension) read it only there.
  return `${schemaLine}\n${doc.toString({ lineWidth: 100 })}`;
}

export function writeNewIssue(plan: NewIssuePlan, schemaLine: string): string {
  const text = newIssueYaml(plan, schemaLine);
  writeFileSync(plan.file, text, { flag: 'wx' });
  return text;
}
