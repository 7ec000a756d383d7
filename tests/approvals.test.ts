/**
 * Approvals bound to the build, as a team uses them: `approval:` in newsletter.yaml, `enews
 * approve`, and `enews send` against a real SMTP server, which must receive nothing until the
 * build in dist/ has what newsletter.yaml asks for, and nothing after any change until the new
 * build is approved again. `--test` and `--dry-run` never need an approval.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, lineOf, read, write } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

const SECRET = 'sxJfm3c8h07XmIRzz6x5PLVzXhYiwhdjqFIsC4+nvfQ=';
/** subscribers.example.csv: 7 rows, one unsubscribed. */
const SUBSCRIBED = 6;
const JANE = 'Jane Doe <jane@example.org>';
const APPROVALS = 'issues/003.approvals.yaml';

let server: TestSmtp;
beforeAll(async () => {
  server = await startSmtp();
});
afterAll(async () => {
  await server?.close();
});

const env = () => ({ SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET });
const send = (dir: string, ...more: string[]) =>
  enews(['send', '3', '--subscribers', 'subscribers.example.csv', '--yes', ...more], dir, env());

/** A copy of the example project whose newsletter.yaml asks for `approval` (YAML, indented under approval:). */
async function project(approval: string): Promise<string> {
  const dir = copyProject();
  edit(dir, 'issues/newsletter.yaml', 'suppress: []', `approval:\n${approval}\nsuppress: []`);
  expect((await enews(['build', '3'], dir)).code).toBe(0);
  return dir;
}

function hashOf(dir: string): string {
  return JSON.parse(read(dir, 'dist/003/manifest.json')).inputsHash;
}

describe('approval: { required: 1 }', () => {
  it('send refuses, naming the missing approval; after enews approve it sends', async () => {
    const dir = await project('  required: 1');
    const before = server.received.length;
    const refused = await send(dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `error: Issue 3 (build ${hashOf(dir).slice(0, 12)}) lacks the approvals newsletter.yaml asks for (approval:); ` +
        'it is not sent to subscribers:\n  - Every language: 1 more approval (0 of 1)\n',
    );
    expect(refused.stderr).toContain('enews approve 3 --by "Name <address>"');
    expect(server.received.length).toBe(before);
    expect(existsSync(path.join(dir, 'journal/003.jsonl'))).toBe(false);

    const approved = await enews(['approve', '3', '--by', JANE], dir);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(
      `Recorded in ${APPROVALS}: ${JANE} approved build ${hashOf(dir).slice(0, 12)} of issue 3 (en, fr, es).`,
    );
    expect(approved.stdout).toContain('  Complete: issue 3 can be sent to subscribers.');

    const sent = await send(dir, '--json');
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ sent: SUBSCRIBED, failed: 0 });
    expect(server.received.length - before).toBe(SUBSCRIBED);
  });

  it('an edit to the intro after the approval makes the send refuse as stale, until rebuilt and approved', async () => {
    const dir = await project('  required: 1');
    expect((await enews(['approve', '3', '--by', JANE, '--note', 'Good to go'], dir)).code).toBe(0);
    const approvedHash = hashOf(dir);
    const before = server.received.length;

    edit(dir, 'issues/003.yaml', 'This latest issue', 'This newest issue');
    const edited = await send(dir);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('error: The build in dist/003 no longer matches what it was made from');
    expect(edited.stderr).toContain('  - issues/003.yaml was edited since the build\n');
    expect(edited.stderr).toContain('The approvals on file are for that build, so they are stale');

    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect(hashOf(dir)).not.toBe(approvedHash);
    const rebuilt = await send(dir);
    expect(rebuilt.code).toBe(1);
    expect(rebuilt.stderr).toContain('  - Every language: 1 more approval (0 of 1)\n');
    expect(rebuilt.stderr).toMatch(
      new RegExp(
        `  - ${APPROVALS}:${lineOf(read(dir, APPROVALS), '- by:')}:\\d+: ${JANE} approved build ` +
          `${approvedHash.slice(0, 12)} on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC \\("Good to go"\\): ` +
          'another build, so stale and not counted\n',
      ),
    );
    expect(server.received.length).toBe(before);

    expect((await enews(['approve', '3', '--by', JANE], dir)).code).toBe(0);
    const sent = await send(dir, '--json');
    expect(sent.code, sent.stderr).toBe(0);
    expect(server.received.length - before).toBe(SUBSCRIBED);
    // The first approval is kept beside the second, as the record of what was approved before.
    const file = parse(read(dir, APPROVALS));
    expect(file.approvals.map((a: { build: string }) => a.build)).toEqual([approvedHash, hashOf(dir)]);
  });

  it('--test and --dry-run never need an approval', async () => {
    const dir = await project('  required: 1');
    const before = server.received.length;
    const test = await enews(['send', '3', '--test', 'me@example.net'], dir, env());
    expect(test.code, test.stderr).toBe(0);
    expect(server.received.length - before).toBe(1);
    const dry = await send(dir, '--dry-run', 'out');
    expect(dry.code, dry.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.eml'))).toHaveLength(SUBSCRIBED);
    expect(server.received.length - before).toBe(1);
  });
});

describe('named approvers per language', () => {
  it('each must approve their language; another language of theirs does not count', async () => {
    const dir = await project('  approvers:\n    fr: ["Marie Dupont <marie@example.org>"]');
    const before = server.received.length;
    const missing = '  - Marie Dupont <marie@example.org> has not approved French (fr)\n';
    expect((await send(dir)).stderr).toContain(missing);
    const es = await enews(['approve', '3', '--by', 'Marie Dupont <marie@example.org>', '--language', 'es'], dir);
    expect(es.code, es.stderr).toBe(0);
    expect(es.stdout).toContain('    Marie Dupont <marie@example.org> has not approved French (fr)');
    expect((await send(dir)).stderr).toContain(missing);
    // The address is the person, however the name and the case are written.
    const fr = await enews(['approve', '3', '--by', 'M. Dupont <MARIE@example.org>', '--language', 'FR-ch'], dir);
    expect(fr.code, fr.stderr).toBe(0);
    expect(parse(read(dir, APPROVALS)).approvals.map((a: { languages: string[] }) => a.languages)).toEqual([
      ['es'],
      ['fr'],
    ]);
    expect((await send(dir)).code).toBe(0);
    expect(server.received.length - before).toBe(SUBSCRIBED);
  });

  it('an unknown language, an empty approval: and a person without an address are errors at their line', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/newsletter.yaml',
      'suppress: []',
      'approval:\n  approvers:\n    de: [anna@example.org]\n    fr: [Marie Dupont]\nsuppress: []',
    );
    const text = read(dir, 'issues/newsletter.yaml');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `issues/newsletter.yaml:${lineOf(text, 'fr: [Marie')}:10: approval.approvers.fr.0: ` +
        'is not "Name <address>" nor an address',
    );
    edit(dir, 'issues/newsletter.yaml', 'fr: [Marie Dupont]', 'fr: ["Marie Dupont <marie@example.org>"]');
    const de = await enews(['check', '3'], dir);
    expect(de.stderr).toContain(
      `issues/newsletter.yaml:${lineOf(text, 'de:')}:5: ` +
        "approvers: de is not one of the newsletter's languages (en, fr, es)",
    );
    edit(dir, 'issues/newsletter.yaml', /approval:\n[\s\S]*?suppress/, 'approval: {}\nsuppress');
    const empty = await enews(['check', '3'], dir);
    expect(empty.stderr).toContain(
      'approval: needs required: N (how many people approve each language), approvers: (who), or both',
    );
  });
});

describe('enews approve', () => {
  it('keeps what people wrote in the approvals file, comments too, and records a person once per build', async () => {
    const dir = await project('  required: 1');
    write(
      dir,
      APPROVALS,
      '# Reviewed in the team meeting of 7 December.\napprovals:\n  # The unit head first.\n' +
        '  - by: Head <head@example.org>\n    build: ' +
        'c'.repeat(64) +
        '\n    at: 2026-12-01T10:00:00Z\n    languages: [en]\n',
    );
    const first = await enews(['approve', '3', '--by', JANE, '--language', 'en', '--language', 'fr'], dir);
    expect(first.code, first.stderr).toBe(0);
    const text = read(dir, APPROVALS);
    expect(text).toContain('# Reviewed in the team meeting of 7 December.\n');
    expect(text).toContain('  # The unit head first.\n  - by: Head <head@example.org>\n');
    expect(parse(text).approvals[1]).toEqual({
      by: JANE,
      build: hashOf(dir),
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      languages: ['en', 'fr'],
    });
    const again = await enews(['approve', '3', '--by', 'jane@EXAMPLE.org', '--language', 'fr'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('had already approved');
    expect(read(dir, APPROVALS)).toBe(text);
  });

  it('refuses, writing nothing: a broken file, a changed build, another build quoted, bad options', async () => {
    const dir = await project('  required: 1');
    const file = path.join(dir, APPROVALS);
    write(dir, APPROVALS, `approvals:\n  - by: ${JANE}\n    build: abc1234\n    at: yesterday\n    languages: [en]\n`);
    const broken = await enews(['approve', '3', '--by', JANE], dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      `${APPROVALS}:3:12: approvals.0.build: must be the hash of a build (64 hex digits)`,
    );
    expect(broken.stderr).toContain(`${APPROVALS}:4:9: approvals.0.at: must be a time such as 2026-12-07T15:40:00Z`);
    expect(readFileSync(file, 'utf8')).toContain('build: abc1234');
    // The send names the same place.
    expect((await send(dir)).stderr).toContain(`${APPROVALS}:3:12: approvals.0.build`);
    write(dir, APPROVALS, 'approvals: []\n');

    const other = await enews(['approve', '3', '--by', JANE, '--hash', 'deadbeef00'], dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `error: The build quoted (deadbeef00) is not the current build of issue 3 (${hashOf(dir).slice(0, 12)})`,
    );
    const quoted = await enews(
      ['approve', '3', '--by', JANE, '--hash', hashOf(dir).slice(0, 12), '--language', 'de'],
      dir,
    );
    expect(quoted.code).toBe(2);
    expect(quoted.stderr).toContain('--language de: issue 3 is built in en, fr, es, not in de.');
    expect((await enews(['approve', '3', '--by', 'Jane Doe'], dir)).code).toBe(2);
    expect((await enews(['approve', '3'], dir)).stderr).toContain('--by "Name <address>" is required');

    edit(dir, 'issues/003.yaml', 'This latest issue', 'This newest issue');
    const stale = await enews(['approve', '3', '--by', JANE], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('  - issues/003.yaml was edited since the build\n');
    expect(stale.stderr).toContain(
      '  - Run: enews build 3, have dist/003/review.html reviewed, then approve that build.',
    );
    expect(readFileSync(file, 'utf8')).toBe('approvals: []\n');
  });
});

describe('enews status', () => {
  it('shows who approved which build, stale approvals apart, before and after the send', async () => {
    const dir = await project('  required: 1');
    const none = await enews(['status', '3'], dir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe(
      'Issue 3: not sent yet. No journal at journal/003.jsonl: nothing has been sent for issue 3 yet ' +
        '(or it used another --journal or --shard).\n' +
        `Approvals of build ${hashOf(dir).slice(0, 12)} (newsletter.yaml asks for 1 person per language):\n` +
        '  none yet\n  Still missing before it can be sent to subscribers:\n' +
        '    Every language: 1 more approval (0 of 1)\n',
    );
    expect((await enews(['approve', '3', '--by', JANE, '--language', 'fr'], dir)).code).toBe(0);
    const old = hashOf(dir);
    edit(dir, 'issues/003.yaml', 'This latest issue', 'This newest issue');
    const changed = await enews(['status', '3'], dir);
    expect(changed.stdout).toContain(
      '  The build no longer matches its sources (issues/003.yaml was edited since the build): build it again; ' +
        'the new build needs approvals of its own.\n',
    );
    expect(changed.stdout).not.toContain('Still missing');
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect((await enews(['approve', '3', '--by', JANE], dir)).code).toBe(0);
    expect((await send(dir)).code).toBe(0);

    const after = await enews(['status', '3'], dir);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain(`  sent                   ${SUBSCRIBED}`);
    expect(after.stdout).toMatch(
      new RegExp(
        `Approvals of build ${hashOf(dir).slice(0, 12)} \\(newsletter.yaml asks for 1 person per language\\):\n` +
          `  ${JANE} approved every language of this build on [^\\n]+\n` +
          `  ${JANE} approved build ${old.slice(0, 12)} on [^\\n]+: another build, so stale and not counted\n` +
          '  Complete: issue 3 can be sent to subscribers.\n',
      ),
    );
    const json = JSON.parse((await enews(['status', '3', '--json'], dir)).stdout);
    expect(json).toMatchObject({ sent: SUBSCRIBED, failed: 0 });
    expect(json.approvals).toMatchObject({
      build: hashOf(dir),
      complete: true,
      required: 1,
      current: [{ by: JANE, build: hashOf(dir), languages: ['en', 'fr', 'es'] }],
      stale: [{ by: JANE, build: old, languages: ['fr'] }],
      missing: [],
      changed: [],
    });
  });

  it('without approvals asked for or given, says what it said before', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const r = await enews(['status', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: No journal at journal/003.jsonl: nothing has been sent for issue 3 yet (or it used another ' +
        '--journal or --shard).\n',
    );
  });
});
