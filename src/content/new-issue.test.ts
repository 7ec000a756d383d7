import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { contentPaths, loadIssue, type ContentPaths } from './load.js';
import { newIssueYaml, planNewIssue, writeNewIssue } from './new-issue.js';
import { ITEM_TYPES } from './schema.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function item(id: string, type: string, date: string, extra = ''): string {
  const fields = [
    `type: ${type}`,
    `title: ${id}`,
    `date: ${date}`,
    `summary: About ${id}.`,
    `url: https://example.org/${id}`,
  ];
  return `- id: ${id}\n${fields.map((f) => `  ${f}\n`).join('')}${extra}`;
}

/** Issue 1 dated 2024-01-15, and a catalog around it and the next issue's date (2024-02-20). */
const CATALOG = [
  item('before-previous', 'News', '2024-01-10'),
  item('on-previous-day', 'News', '2024-01-15'),
  item('spotlight', 'Spotlight on Cooperatives', '2024-02-05'),
  item('news-early', 'News', '2024-02-01'),
  item('article', 'Article', '2024-02-10'),
  item('news-mid', 'News', '2024-02-10'),
  item('aa-news-mid', 'News', '2024-02-10'),
  item('on-the-day', 'News', '2024-02-20'),
  item('announcement', 'News', '2024-02-20', '  announces: 2\n'),
  item('after-the-day', 'News', '2024-03-01'),
].join('\n');

function project(issues: Record<string, string> = { '001.yaml': issueFile(1, '2024-01-15') }): ContentPaths {
  const root = mkdtempSync(path.join(os.tmpdir(), 'enews-new-issue-'));
  folders.push(root);
  mkdirSync(path.join(root, 'issues'));
  writeFileSync(path.join(root, 'issues/items.yaml'), CATALOG);
  for (const [name, text] of Object.entries(issues)) writeFileSync(path.join(root, 'issues', name), text);
  return contentPaths(root);
}

function issueFile(number: number, date: string): string {
  return `number: ${number}\ndate: ${date}\nintro: Hello.\nitems:\n  - before-previous\n`;
}

function refusal(fn: () => unknown): EnewsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EnewsError);
    return err as EnewsError;
  }
  throw new Error('expected a refusal');
}

describe('planNewIssue', () => {
  it('numbers the issue after the last one, preselects the items dated after the previous issue up to its date', () => {
    const paths = project();
    const plan = planNewIssue(paths, { date: '2024-02-20', types: ITEM_TYPES });
    expect(plan.number).toBe(2);
    expect(plan.file).toBe(path.join(paths.issuesDir, '002.yaml'));
    expect(plan.previous).toEqual({ number: 1, date: '2024-01-15' });
    // News first, then articles, then the spotlight; newest first within each, then by id.
    expect(plan.items.map((i) => i.id)).toEqual([
      'on-the-day',
      'aa-news-mid',
      'news-mid',
      'news-early',
      'article',
      'spotlight',
    ]);
  });

  it('with no issue before it, preselects everything up to its date except the announcements', () => {
    const plan = planNewIssue(project({}), { date: '2024-02-10', types: ITEM_TYPES });
    expect(plan.number).toBe(1);
    expect(plan.previous).toBeNull();
    expect(plan.items.map((i) => i.id)).toEqual([
      'aa-news-mid',
      'news-mid',
      'news-early',
      'on-previous-day',
      'before-previous',
      'article',
      'spotlight',
    ]);
  });

  it('with --number, counts from the issue just below it, not the last one', () => {
    const paths = project({ '001.yaml': issueFile(1, '2024-01-15'), '005.yaml': issueFile(5, '2024-03-15') });
    const plan = planNewIssue(paths, { date: '2024-02-05', number: 3, types: ITEM_TYPES });
    expect(plan.number).toBe(3);
    expect(plan.previous).toEqual({ number: 1, date: '2024-01-15' });
    expect(plan.items.map((i) => i.id)).toEqual(['news-early', 'spotlight']);
    expect(planNewIssue(paths, { date: '2024-04-01', types: ITEM_TYPES }).number).toBe(6);
  });

  it('never overwrites an issue', () => {
    const paths = project();
    const err = refusal(() => planNewIssue(paths, { date: '2024-02-20', number: 1, types: ITEM_TYPES }));
    expect(err.code).toBe('issue-exists');
    expect(err.message).toBe(
      `Issue 1 already exists (${path.join(paths.issuesDir, '001.yaml')}); enews new never overwrites an issue.`,
    );
  });

  it('refuses a date before the previous issue, and the same date, each saying what to give instead', () => {
    const paths = project();
    const before = refusal(() => planNewIssue(paths, { date: '2024-01-14', types: ITEM_TYPES }));
    expect(before.code).toBe('date-before-previous');
    expect(before.message).toBe('--date 2024-01-14 is before issue 1 (2024-01-15).');
    expect(before.problems[0]!.message).toBe('Give a date after the previous issue, e.g. --date 2024-01-16');
    const same = refusal(() => planNewIssue(paths, { date: '2024-01-15', types: ITEM_TYPES }));
    expect(same.code).toBe('date-of-previous');
    expect(same.problems[0]!.message).toContain('enews new --date 2024-01-16 (or later)');
    // The day after the last day of a month is the first of the next.
    const endOfMonth = project({ '001.yaml': issueFile(1, '2024-02-29') });
    expect(
      refusal(() => planNewIssue(endOfMonth, { date: '2024-02-29', types: ITEM_TYPES })).problems[0]!.message,
    ).toContain('--date 2024-03-01');
  });
});

describe('newIssueYaml / writeNewIssue', () => {
  it('writes the preselected ids in order, with type and date, under a header that says where they came from', () => {
    const paths = project();
    const plan = planNewIssue(paths, { date: '2024-02-20', types: ITEM_TYPES });
    const schema = '# yaml-language-server: $schema=../node_modules/enews/schemas/issue.schema.json';
    const text = newIssueYaml(plan, schema);
    const [first, ...rest] = text.split('\n');
    expect(first).toBe(schema);
    expect(rest.join('\n')).toBe(
      [
        '# Issue 2. Items preselected from the catalog: those dated since issue 1 (2024-01-15).',
        '# Reorder or remove them, write the intro, then: enews check 2',
        '',
        'number: 2',
        'date: 2024-02-20',
        'preheader: "TODO: one line that mail clients show after the subject."',
        'intro: |',
        '  TODO: write the introduction (Markdown).',
        'items:',
        '  - on-the-day # News, 20 February 2024',
        '  - aa-news-mid # News, 10 February 2024',
        '  - news-mid # News, 10 February 2024',
        '  - news-early # News, 01 February 2024',
        '  - article # Article, 10 February 2024',
        '  - spotlight # Spotlight on Cooperatives, 05 February 2024',
        '',
      ].join('\n'),
    );
    expect(writeNewIssue(plan, schema)).toBe(text);
    expect(readFileSync(plan.file, 'utf8')).toBe(text);
    // What it writes is an issue file enews reads back as it was planned.
    const loaded = loadIssue(paths, 2).issue;
    expect(loaded).toMatchObject({ number: 2, date: '2024-02-20', items: plan.items.map((i) => i.id) });
  });

  it('refuses to write over a file that appeared after the plan was made', () => {
    const paths = project();
    const plan = planNewIssue(paths, { date: '2024-02-20', types: ITEM_TYPES });
    writeFileSync(plan.file, 'written meanwhile\n');
    expect(() => writeNewIssue(plan, '# schema')).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(plan.file, 'utf8')).toBe('written meanwhile\n');
  });
});
