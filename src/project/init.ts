/**
 * `enews init`: a new project in an empty (or new) folder. Nothing is
 * written unless everything is valid, and nothing that exists is ever
 * overwritten: a folder with anything in it (but a fresh clone's .git) is
 * refused with what it holds.
 */
import { constants, copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem, throwIfProblems } from '../errors.js';
import { answerProblem, type AnswerKey, type Answers, QUESTIONS, type Question } from './init-answers.js';

/** A fresh `git clone` of an empty repository is where a team most often starts. */
const ALLOWED = new Set(['.git']);

/** Refuses a target that is a file or a folder with anything in it, listing what is there. */
export function checkTarget(target: string, shown: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) {
    throw new EnewsError('init-not-a-folder', `${shown} is a file, not a folder: enews init makes a folder there.`, {
      problems: [{ message: 'Give the name of a new folder: enews init my-newsletter' }],
    });
  }
  const entries = readdirSync(target, { withFileTypes: true })
    .filter((e) => !ALLOWED.has(e.name))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
  if (entries.length === 0) return;
  const shownEntries = entries.slice(0, 20).map((message): Problem => ({ message }));
  if (entries.length > 20) shownEntries.push({ message: `… and ${entries.length - 20} more` });
  throw new EnewsError(
    'init-not-empty',
    `${shown} is not empty, and enews init never overwrites anything: give it a new folder ` +
      `(enews init my-newsletter) or empty this one. It holds:`,
    { problems: shownEntries },
  );
}

/** Checks the answers given as flags, all at once; a bad one names its flag, why, and an example. */
export function checkGiven(given: Partial<Record<AnswerKey, string>>): void {
  const problems: Problem[] = [];
  for (const q of QUESTIONS) {
    const value = given[q.key];
    if (value === undefined) continue;
    const why = answerProblem(q, value);
    if (why) {
      problems.push({
        message: `${q.flag} "${value}" ${why}`,
        hint: `For example: ${q.flag} "${q.example}"`,
      });
    }
  }
  throwIfProblems('init-bad-flag', 'Nothing was written: an option of enews init is not valid', problems);
}

export interface Prompter {
  /**
   * Asks one question showing its default; resolves to the line typed (empty for the default), or
   * with `lines`, to the lines typed up to an empty one, joined by line breaks.
   */
  ask(label: string, fallback: string, lines: boolean): Promise<string>;
  /** Says why an answer was refused before asking again. */
  refuse(why: string): void;
}

/**
 * Every answer: given as a flag, else asked (when a prompter is given, i.e. on a terminal) until it
 * is valid, else the default, derived from the answers before it (the list id from the title and
 * the sender's domain…).
 */
export async function gatherAnswers(
  given: Partial<Record<AnswerKey, string>>,
  folder: string,
  prompter: Prompter | null,
): Promise<Answers> {
  const a: Partial<Answers> = {};
  const problems: Problem[] = [];
  for (const q of QUESTIONS) {
    const fallback = q.default(a, folder);
    a[q.key] = given[q.key] ?? (prompter ? await askUntilValid(q, fallback, prompter) : fallback);
    // A default made from another answer can fail (an international domain in --from makes no list id).
    const why = given[q.key] === undefined && !prompter ? answerProblem(q, fallback) : null;
    if (why) problems.push({ message: `the default ${q.flag} "${fallback}" ${why}`, hint: `Give ${q.flag} yourself.` });
  }
  throwIfProblems('init-bad-default', 'Nothing was written: a default of enews init does not fit', problems);
  return a as Answers;
}

async function askUntilValid(q: Question, fallback: string, prompter: Prompter): Promise<string> {
  for (;;) {
    const answer = (await prompter.ask(q.label, fallback, q.lines === true)).trim() || fallback;
    const why = answerProblem(q, answer);
    if (!why) return answer;
    prompter.refuse(`"${answer}" ${why}. For example: ${q.example}`);
  }
}

/**
 * Writes the files, and copies others in (`copies`: the file, and where in the project); `wx` and
 * COPYFILE_EXCL so that even a file that appeared meanwhile is never overwritten.
 */
export function writeScaffold(
  target: string,
  files: ReadonlyArray<[string, string]>,
  copies: ReadonlyArray<{ from: string; to: string }> = [],
): string[] {
  mkdirSync(target, { recursive: true });
  const place = (rel: string) => {
    const file = path.join(target, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    return file;
  };
  return [
    ...files.map(([rel, text]) => {
      const file = place(rel);
      writeFileSync(file, text, { flag: 'wx' });
      return file;
    }),
    ...copies.map(({ from, to }) => {
      const file = place(to);
      copyFileSync(from, file, constants.COPYFILE_EXCL);
      return file;
    }),
  ];
}
