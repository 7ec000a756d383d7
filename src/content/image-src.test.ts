/** What a picture's src may be: a web address, or a path that stays inside the project. */
import { describe, expect, it } from 'vitest';
import { isWebAddress, localPathProblem } from './image-src.js';

describe('isWebAddress', () => {
  it('is true for anything with a scheme, false for a path', () => {
    expect(
      ['https://x.org/a.png', 'http://x.org/a.png', 'ftp://x/a', 'data:image/png;base64,'].map(isWebAddress),
    ).toEqual([true, true, true, true]);
    expect(['images/logo.png', 'logo.png', './images/a.jpg', 'www.example.org/a.png'].map(isWebAddress)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('localPathProblem', () => {
  it('accepts a plain path inside the project', () => {
    expect(localPathProblem('images/logo.png')).toBeNull();
    expect(localPathProblem('images/2017/Copérnico photo.jpg')).toBeNull();
  });

  it('refuses each path that could leave the project or is not a file path, saying why', () => {
    expect(localPathProblem('../secret.png')).toBe('must stay inside the project folder (no ..)');
    expect(localPathProblem('images/../../x.png')).toBe('must stay inside the project folder (no ..)');
    expect(localPathProblem('/etc/passwd')).toBe(
      'must be a path relative to the project folder (images/logo.png), not an absolute path',
    );
    expect(localPathProblem('images\\logo.png')).toBe('must be written with / between folders: "images/logo.png"');
    expect(localPathProblem('images/logo.png?v=2')).toBe('must be a file path without ? or #');
    expect(localPathProblem('images/')).toBe('must name a file, not a folder');
    expect(localPathProblem('  ')).toBe('must not be empty: a path such as images/logo.png, or a web address');
    expect(localPathProblem('images/a\nb.png')).toBe('must not contain control characters or line breaks');
    expect(localPathProblem(`${'a/'.repeat(150)}x.png`)).toBe('must be at most 300 characters');
  });
});
