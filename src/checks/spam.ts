/**
 * The spam score of the sample message, as SpamAssassin (Debian's
 * `spamassassin`) gives it with its local rules only: -L runs no network
 * test (DNS blocklists, Razor, Pyzor), so the score depends on the message
 * alone and the check works offline. ALL_TRUSTED is scored 0, so a message
 * that never crossed a relay gets no credit for "trusted relays" it lacks.
 * Its own preferences go to a temporary folder, never to the user's home.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnewsError } from '../errors.js';

export interface SpamRule {
  name: string;
  score: number;
  description: string;
}

export interface SpamResult {
  score: number;
  /** SpamAssassin's threshold for spam (5.0 by default). */
  required: number;
  rules: SpamRule[];
  version: string;
}

const CANDIDATES = ['/usr/bin/spamassassin', '/usr/local/bin/spamassassin', '/opt/homebrew/bin/spamassassin'];

export function findSpamAssassin(explicit?: string): string {
  const found = (explicit ? [explicit] : CANDIDATES).find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (found) return found;
  throw new EnewsError('no-spamassassin', '--spam needs SpamAssassin, and it is not installed.', {
    problems: [
      {
        message: `Looked for ${explicit ?? CANDIDATES.join(', ')}.`,
        hint:
          'Install it (Debian/Ubuntu: sudo apt-get install spamassassin; its rules come with the package, ' +
          'no sa-update needed), or set SPAMASSASSIN_PATH, or leave out --spam.',
      },
    ],
  });
}

export async function spamScore(eml: string, executable: string, timeoutMs = 60_000): Promise<SpamResult> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'enews-sa-'));
  const prefs = path.join(home, 'user_prefs');
  writeFileSync(prefs, '');
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        executable,
        ['-L', '-t', '-p', prefs, '--cf=score ALL_TRUSTED 0'],
        { env: { ...process.env, HOME: home }, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
        (err, stdout, stderr) => {
          if (err) {
            const first = String(stderr || err.message)
              .trim()
              .split('\n')[0];
            reject(new EnewsError('spamassassin-failed', `SpamAssassin (${executable}) failed: ${first}`));
          } else resolve(stdout);
        },
      );
      child.stdin?.end(eml);
    });
    return parseReport(out);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Reads the report `-t` appends: "Content analysis details: (S points, R required)" and the rule table. */
export function parseReport(out: string): SpamResult {
  const head = /Content analysis details:\s+\((-?[\d.]+) points, (-?[\d.]+) required\)/.exec(out);
  if (!head) throw new EnewsError('spamassassin-failed', 'SpamAssassin printed no report (is this spamassassin -t?).');
  const version = /X-Spam-Checker-Version: SpamAssassin (\S+)/.exec(out)?.[1] ?? '';
  const rules: SpamRule[] = [];
  const table = out.slice(head.index).split('\n');
  const start = table.findIndex((l) => /^-{4} -+/.test(l));
  for (const line of table.slice(start + 1)) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (m) rules.push({ score: Number(m[1]), name: m[2]!, description: m[3]!.trim() });
    else if (/^\s{10,}\S/.test(line) && rules.length) rules[rules.length - 1]!.description += ` ${line.trim()}`;
    else if (line.trim() === '' && rules.length) break;
  }
  return { score: Number(head[1]), required: Number(head[2]), rules, version };
}
