import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, edit, read, write } from '../../tests/helpers/project.js';
import { canonicalJson, inputsHash, type BuildInputs } from './inputs.js';
import { prepareIssue } from './prepare-issue.js';
import { changedInputs } from './read-build.js';

/** Issue 3 of the example project as first prepared: what every edit below is compared with. */
let before: { inputs: BuildInputs; inputsHash: string };
beforeAll(async () => {
  const p = await prepareIssue(copyProject(), 3);
  before = { inputs: p.inputs, inputsHash: p.inputsHash };
});

/** The inputs of issue 3 after `change` to a fresh copy of the project, and which of them differ from before. */
async function inputsAfter(change: (dir: string) => void) {
  const dir = copyProject();
  change(dir);
  const p = await prepareIssue(dir, 3);
  const keys = new Set([...Object.keys(before.inputs), ...Object.keys(p.inputs)]);
  const changed = [...keys].filter((k) => before.inputs[k] !== p.inputs[k]).sort();
  return { changed, same: p.inputsHash === before.inputsHash };
}

describe('what a build depends on', () => {
  it('is hashed the same by the build (from the strings it parsed) as by send and the archive (from the files)', async () => {
    const dir = copyProject();
    const p = await prepareIssue(dir, 3);
    const manifest = { inputs: p.inputs, inputsHash: p.inputsHash } as unknown as Parameters<typeof changedInputs>[2];
    expect(changedInputs(dir, 3, manifest)).toEqual([]);
    edit(dir, 'templates/strings/es.yaml', 'read_more:', 'read_more_x: x\nread_more:');
    expect(changedInputs(dir, 3, manifest).map((c) => c.message)).toEqual([
      'templates/strings/es.yaml was edited since the build',
    ]);
  });

  it('is issue 3, the catalog entries it uses, newsletter.yaml, every template, every strings file and its pictures', () => {
    expect(Object.keys(before.inputs)).toEqual([
      'images/copernico.jpg',
      'images/logo.png',
      'issues/003.yaml',
      'issues/items.yaml#consorzio-copernico',
      'issues/items.yaml#coop-champions-karim-toumi',
      'issues/items.yaml#coop-future-of-work',
      'issues/newsletter.yaml',
      'templates/email.mjml',
      'templates/email.txt',
      'templates/partials/dark-mode.mjml',
      'templates/partials/footer.mjml',
      'templates/partials/header.mjml',
      'templates/partials/item-article.mjml',
      'templates/partials/item-news.mjml',
      'templates/partials/item-spotlight-on-cooperatives.mjml',
      'templates/partials/item.mjml',
      'templates/strings/en.yaml',
      'templates/strings/es.yaml',
      'templates/strings/fr.yaml',
    ]);
    for (const hash of Object.values(before.inputs)) expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(before.inputsHash).toBe(inputsHash(before.inputs));
  });

  it('is unchanged by edits to what the issue does not use or show', async () => {
    const r = await inputsAfter((dir) => {
      // Another item, a comment, the catalog's order, a new item.
      edit(dir, 'issues/items.yaml', 'ILO COOP eNewsUpdate No. 3, 26 April 2017', 'No. 3 (reworded)');
      const catalog = read(dir, 'issues/items.yaml').replace('# The catalog', '# The edited catalog');
      const entries = catalog.split(/\n(?=- id: )/);
      write(
        dir,
        'issues/items.yaml',
        [entries[0], ...entries.slice(1).reverse()].join('\n') +
          '\n- id: next-month\n  type: News\n  title: Next\n  date: 2017-05-20\n  summary: Soon.\n' +
          '  url: https://example.org/next\n',
      );
      // Who is mailed, not what they get.
      edit(dir, 'issues/newsletter.yaml', 'suppress: []', 'suppress: [never.csv]');
      write(dir, 'issues/never.csv', 'email\nnobody@example.org\n');
      // When it may go, not what it is: asking for approvals leaves the build approvable.
      edit(
        dir,
        'issues/newsletter.yaml',
        'suppress:',
        'approval:\n  required: 2\n  approvers: { fr: [m@x.org] }\nsuppress:',
      );
      // Who approved, beside the issue.
      write(dir, 'issues/003.approvals.yaml', 'approvals: []\n');
      // The archive's and the unsubscribe page's words, which no build reads.
      edit(dir, 'templates/strings/fr.yaml', 'not_found_title: Page introuvable', 'not_found_title: Introuvable');
      edit(dir, 'templates/strings/en.yaml', 'site:', '# The archive.\nsite:');
      // A comment in the issue itself.
      edit(dir, 'issues/003.yaml', 'items:\n', 'items: # the order matters\n');
    });
    expect(r).toEqual({ changed: [], same: true });
  });

  it('changes with an item the issue uses, and names only that item', async () => {
    const r = await inputsAfter((dir) =>
      edit(dir, 'issues/items.yaml', 'Las cooperativas ofrecen un modelo', 'Las cooperativas proponen un modelo'),
    );
    expect(r).toEqual({ changed: ['issues/items.yaml#coop-future-of-work'], same: false });
  });

  it('changes with a template, with the words of the email in one language, and with the issue', async () => {
    expect(
      await inputsAfter((dir) => edit(dir, 'templates/partials/footer.mjml', 'padding="24px 0"', 'padding="20px 0"')),
    ).toEqual({ changed: ['templates/partials/footer.mjml'], same: false });
    expect(
      await inputsAfter((dir) =>
        edit(dir, 'templates/strings/fr.yaml', 'read_more: Lire la suite', 'read_more: Lire plus'),
      ),
    ).toEqual({ changed: ['templates/strings/fr.yaml'], same: false });
    const reordered = await inputsAfter((dir) =>
      edit(
        dir,
        'issues/003.yaml',
        '  - coop-future-of-work\n  - coop-champions-karim-toumi\n',
        '  - coop-champions-karim-toumi\n  - coop-future-of-work\n',
      ),
    );
    expect(reordered).toEqual({ changed: ['issues/003.yaml'], same: false });
  });

  it('changes with a newsletter field subscribers see', async () => {
    const r = await inputsAfter((dir) =>
      edit(dir, 'issues/newsletter.yaml', 'reply_to: coop@example.org', 'reply_to: co@example.org'),
    );
    expect(r).toEqual({ changed: ['issues/newsletter.yaml'], same: false });
  });
});

describe('canonicalJson and inputsHash', () => {
  it('hash equal values equally, whatever the order of their keys; a list keeps its order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [2, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }));
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(inputsHash({ 'a.yaml': '1', 'b.yaml': '2' })).toBe(inputsHash({ 'b.yaml': '2', 'a.yaml': '1' }));
    expect(inputsHash({ 'a.yaml': '1', 'b.yaml': '2' })).not.toBe(inputsHash({ 'a.yaml': '2', 'b.yaml': '1' }));
    expect(inputsHash({ 'a.yaml': '1' })).not.toBe(inputsHash({ 'a.yam': 'l1' }));
  });
});
