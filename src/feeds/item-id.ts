/**
 * A catalog id from an entry's address, so the same page gets the same id at every pull and a
 * person recognises it: the last part of its path ("…/news/coop-future-of-work" →
 * coop-future-of-work, "…/2024/05/03/my-post/" → my-post, "…/story.html" → story); a number alone
 * keeps the part before it ("/node/123" → node-123), a query without a path its key and value
 * ("?p=123" → p-123). Accents are dropped, anything else becomes a dash, as ids are written
 * (lowercase letters, digits and dashes). An id another item has is given -2, -3….
 */

const MAX = 80;

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX)
    .replace(/-+$/, '');
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The readable id of `link`, or of `title` when the address has nothing readable (a site's home page). */
export function idFromLink(link: string, title: string): string {
  const url = new URL(link);
  const parts = url.pathname
    .split('/')
    .map((p) => decoded(p).replace(/\.(s?html?|php|aspx?)$/i, ''))
    .filter((p) => slug(p) !== '' && !/^index$/i.test(p));
  let id = '';
  const last = parts[parts.length - 1];
  if (last !== undefined) {
    id = /^\d+$/.test(last) && parts.length > 1 ? `${parts[parts.length - 2]}-${last}` : last;
  }
  if (slug(id) === '' || /^\d+$/.test(slug(id))) {
    const query = [...url.searchParams].find(([, v]) => v !== '');
    if (query) id = `${query[0]}-${query[1]}`;
    else if (slug(id) === '') id = title;
  }
  return slug(id) || 'item';
}

/** `id`, or id-2, id-3… : the first that `taken` does not hold. */
export function freeId(id: string, taken: (id: string) => boolean): string {
  if (!taken(id)) return id;
  for (let n = 2; ; n++) {
    const candidate = `${id.slice(0, MAX - String(n).length - 1)}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}
