/** Temporary copies of the example project, so tests can edit and break files freely. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

export const REPO = path.resolve(import.meta.dirname, '../..');

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder with issues/, images/, templates/ and subscribers.example.csv copied from the repository. */
export function copyProject(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-test-'));
  made.push(dir);
  for (const part of ['issues', 'images', 'templates', 'subscribers.example.csv']) {
    cpSync(path.join(REPO, part), path.join(dir, part), { recursive: true });
  }
  return dir;
}

export function emptyDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-test-'));
  made.push(dir);
  return dir;
}

export function write(dir: string, rel: string, text: string): string {
  const file = path.join(dir, rel);
  writeFileSync(file, text);
  return file;
}

export function read(dir: string, rel: string): string {
  return readFileSync(path.join(dir, rel), 'utf8');
}

/** Replaces `from` by `to` in a file of the project; fails loudly if `from` is not there. */
export function edit(dir: string, rel: string, from: string | RegExp, to: string): void {
  const text = read(dir, rel);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit: ${String(from)} not found in ${rel}`);
  write(dir, rel, next);
}

/** The 1-based number of the first line of `text` that contains `needle`; fails loudly if none does. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`lineOf: ${needle} not found`);
  return i + 1;
}
