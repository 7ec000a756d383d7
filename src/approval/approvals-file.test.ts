import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { emptyDir } from '../../tests/helpers/project.js';
import { EnewsError } from '../errors.js';
import { appendApproval, approvalsFile, readApprovals, type ApprovalEntry } from './approvals-file.js';

const ENTRY: ApprovalEntry = {
  by: 'Jane Doe <jane@example.org>',
  build: 'a'.repeat(64),
  at: '2026-12-07T15:40:00Z',
  languages: ['en', 'fr'],
};

function project(): string {
  const root = emptyDir();
  mkdirSync(path.join(root, 'issues'));
  return root;
}

describe('the approvals file', () => {
  it('is issues/NNN.approvals.yaml, made on the first approval with a note on what it is, and read back', () => {
    const root = project();
    expect(readApprovals(root, 3)).toEqual({ file: approvalsFile(root, 3), exists: false, approvals: [] });
    expect(appendApproval(root, 3, { ...ENTRY, note: 'Fine: go' })).toBe(path.join(root, 'issues/003.approvals.yaml'));
    const text = readFileSync(approvalsFile(root, 3), 'utf8');
    expect(text).toMatch(/^# Approvals of issue 3, recorded by enews approve: commit this file with the issue\.\n/);
    expect(parse(text)).toEqual({ approvals: [{ ...ENTRY, note: 'Fine: go' }] });
    const [read] = readApprovals(root, 3).approvals;
    expect(read).toMatchObject({ by: { name: 'Jane Doe', address: 'jane@example.org' }, languages: ['en', 'fr'] });
    expect(read!.location).toEqual({ file: approvalsFile(root, 3), line: 6, column: 5 });
  });

  it('appends after what people wrote, comments and a cleared list included', () => {
    const root = project();
    const file = approvalsFile(root, 3);
    writeFileSync(file, '# Issue 3: reviewed on Monday.\napprovals: [] # cleared after the rewrite\n');
    appendApproval(root, 3, ENTRY);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# Issue 3: reviewed on Monday.\n')).toBe(true);
    expect(text).toContain('# cleared after the rewrite');
    expect(text).toContain('\n  - by: Jane Doe <jane@example.org>\n');
    expect(parse(text).approvals).toEqual([ENTRY]);
  });

  it('refuses a file over 1 MB without reading or changing it', () => {
    const root = project();
    const file = approvalsFile(root, 3);
    const big = `approvals: []\n${'#'.repeat(1024 * 1024)}\n`;
    writeFileSync(file, big);
    expect(() => readApprovals(root, 3)).toThrow(EnewsError);
    expect(() => appendApproval(root, 3, ENTRY)).toThrow(/is larger than 1 MB: it is not an approvals file/);
    expect(readFileSync(file, 'utf8')).toBe(big);
  });
});
