/**
 * Where a picture is, as content files name it (`logo.src`, `image.src`): a web address, or a file
 * of the project, written relative to the project folder (the one holding issues/), such as
 * `images/logo.png`. A file is made for email and published by enews (src/images); a web address is
 * used as it is. Only the path's form is checked here; whether the file is there and is a picture
 * is for check and build (images/local-image.ts), which can say so at the line.
 */

/** A web address: it starts with a scheme (https:, http:…); anything else is a path in the project. */
export function isWebAddress(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(src);
}

/** At most this long: a path, not a paragraph. */
const MAX_PATH = 300;

/** Why `src` cannot name a file of the project, or null when it can. */
export function localPathProblem(src: string): string | null {
  if (src.trim() === '') return 'must not be empty: a path such as images/logo.png, or a web address';
  if (src.length > MAX_PATH) return `must be at most ${MAX_PATH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(src)) return 'must not contain control characters or line breaks';
  if (src.includes('\\')) return `must be written with / between folders: "${src.replace(/\\/g, '/')}"`;
  if (src.startsWith('/')) {
    return 'must be a path relative to the project folder (images/logo.png), not an absolute path';
  }
  if (/[?#]/.test(src)) return 'must be a file path without ? or #';
  if (src.split('/').some((part) => part === '..')) return 'must stay inside the project folder (no ..)';
  if (src.endsWith('/')) return 'must name a file, not a folder';
  return null;
}
