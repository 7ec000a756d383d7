import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { emptyDir } from '../../tests/helpers/project.js';
import { replaceFile } from './replace-file.js';

it('replaces a file whole, with the mode asked for, leaving nothing beside it; a failure throws and leaves nothing', () => {
  const dir = emptyDir();
  const file = path.join(dir, 'memory.json');
  writeFileSync(file, 'old');
  replaceFile(file, 'new', 0o600);
  expect(readFileSync(file, 'utf8')).toBe('new');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(['memory.json']);
  // A folder where the file should be: the rename fails, and its temporary file goes.
  const taken = path.join(dir, 'taken');
  mkdirSync(path.join(taken, 'inside'), { recursive: true });
  expect(() => replaceFile(taken, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
  expect(readdirSync(dir).sort()).toEqual(['memory.json', 'taken']);
});
