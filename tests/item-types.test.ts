/**
 * A team's own item types (item_types: in newsletter.yaml), in a project made by enews init and in
 * the example, as staff run the commands: nothing in enews changes for a new type.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, lineOf, read, REPO, write } from './helpers/project.js';

async function initProject(): Promise<string> {
  const dir = path.join(emptyDir(), 'events');
  expect((await enews(['init', dir, '--yes'], REPO)).code).toBe(0);
  return dir;
}

const manifestInputs = (dir: string, n = '001') =>
  Object.keys(JSON.parse(read(dir, `dist/${n}/manifest.json`)).inputs as Record<string, string>);

describe('item types of the newsletter’s own', () => {
  it('an init project with item_types: [Event, Story] builds an Event item, enews unchanged', async () => {
    const dir = await initProject();
    edit(dir, 'issues/newsletter.yaml', /$/, 'item_types: [Event, Story]\n');
    edit(dir, 'issues/items.yaml', '  type: News\n', '  type: Event\n');
    const r = await enews(['build', '1'], dir);
    expect(r.code).toBe(0);
    const html = read(dir, 'dist/001/email.html');
    expect(html).toMatch(/class="type-label"[^>]*>Event<\/p>/);
    expect(read(dir, 'dist/001/email.txt')).toContain('\nEVENT\n');
    // Rendered by enews's default item partial; the project has no template of its own.
    expect(existsSync(path.join(dir, 'templates'))).toBe(false);
    expect(manifestInputs(dir)).toContain('enews:templates/partials/item-default.mjml');
  });

  it('errors name the newsletter’s types, at the item’s line', async () => {
    const dir = await initProject();
    edit(dir, 'issues/newsletter.yaml', /$/, 'item_types: [Event, Story]\n');
    const r = await enews(['check', '1'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'issues/items.yaml:6:9: item "welcome": type: must be one of: Event, Story (the item_types of newsletter.yaml)',
    );
  });

  it('the JSON Schema names them: enews new writes the project’s, and the catalog it checks', async () => {
    const dir = await initProject();
    edit(dir, 'issues/newsletter.yaml', /$/, 'item_types: [Event, Story]\n');
    edit(dir, 'issues/items.yaml', '  type: News\n', '  type: Story\n');
    const before = read(dir, 'issues/items.yaml');
    const r = await enews(['new', '--date', '2999-01-01'], dir);
    expect(r.code).toBe(0);
    // The catalog's first line names the project's schema, which an editor then checks it with; no other byte changes.
    const line = '# yaml-language-server: $schema=../.enews/items.schema.json';
    expect(before.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../node_modules/enews/schemas/items.schema.json',
    );
    expect(read(dir, 'issues/items.yaml')).toBe(`${line}${before.slice(before.indexOf('\n'))}`);
    expect(r.stdout).toContain('issues/items.yaml: its first line now names the JSON Schema of the item_types.\n');
    // Back to the default types, back to enews's schema.
    edit(dir, 'issues/newsletter.yaml', 'item_types: [Event, Story]\n', '');
    edit(dir, 'issues/items.yaml', '  type: Story\n', '  type: News\n');
    rmSync(path.join(dir, 'issues/002.yaml'));
    expect((await enews(['new', '--date', '2999-01-01'], dir)).code).toBe(0);
    expect(read(dir, 'issues/items.yaml').split('\n')[0]).toBe(before.split('\n')[0]);
    edit(dir, 'issues/newsletter.yaml', /$/, 'item_types: [Event, Story]\n');
    edit(dir, 'issues/items.yaml', '  type: News\n', '  type: Story\n');
    const schema = JSON.parse(read(dir, '.enews/items.schema.json'));
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const catalog = parse(read(dir, 'issues/items.yaml')) as Array<Record<string, unknown>>;
    expect(validate(catalog)).toBe(true);
    expect(validate([{ ...catalog[0], type: 'News' }])).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`)).toEqual([
      '/0/type must be equal to one of the allowed values',
    ]);
  });

  it('enews items pull points the catalog at that schema too, also when it adds nothing', async () => {
    const dir = await initProject();
    edit(dir, 'issues/newsletter.yaml', /$/, 'item_types: [News, Event]\n');
    write(dir, 'empty.xml', '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>\n');
    const before = read(dir, 'issues/items.yaml');
    const r = await enews(['items', 'pull', 'empty.xml'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'No new items.\nissues/items.yaml: its first line now names the JSON Schema of the item_types.\n',
    );
    expect(read(dir, 'issues/items.yaml')).toBe(
      `# yaml-language-server: $schema=../.enews/items.schema.json${before.slice(before.indexOf('\n'))}`,
    );
    expect(existsSync(path.join(dir, '.enews/items.schema.json'))).toBe(true);
    // Once it names the right one, a pull leaves the file as it is.
    const after = read(dir, 'issues/items.yaml');
    const again = await enews(['items', 'pull', 'empty.xml'], dir);
    expect(again.stdout).not.toContain('first line');
    expect(read(dir, 'issues/items.yaml')).toBe(after);
  });

  it('enews new puts the items in the order of item_types, newest first within a type', async () => {
    const dir = copyProject();
    rmSync(path.join(dir, 'issues/003.yaml'));
    const order = async (types: string) => {
      rmSync(path.join(dir, 'issues/003.yaml'), { force: true });
      write(
        dir,
        'issues/newsletter.yaml',
        `${read(dir, 'issues/newsletter.yaml').replace(/\nitem_types:.*\n/, '\n')}\nitem_types: ${types}\n`,
      );
      expect((await enews(['new', '--date', '2017-04-26'], dir)).code).toBe(0);
      return parse(read(dir, 'issues/003.yaml')).items as string[];
    };
    expect(await order('[Spotlight on Cooperatives, Article, News]')).toEqual([
      'consorzio-copernico',
      'coop-champions-karim-toumi',
      'coop-future-of-work',
    ]);
    expect(await order('[News, Article, Spotlight on Cooperatives]')).toEqual([
      'coop-future-of-work',
      'coop-champions-karim-toumi',
      'consorzio-copernico',
    ]);
  });

  it('a label per language, a partial of the type’s own; one named but missing is an error at its line', async () => {
    const dir = await initProject();
    edit(
      dir,
      'issues/newsletter.yaml',
      /$/,
      'item_types:\n  - name: Event\n    label: { en: Upcoming event }\n    partial: item-happening\n  - Story\n',
    );
    edit(dir, 'issues/items.yaml', '  type: News\n', '  type: Event\n');
    const missing = await enews(['check', '1'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `issues/newsletter.yaml:${lineOf(read(dir, 'issues/newsletter.yaml'), 'partial: item-happening')}:14: ` +
        'item_types.0.partial: item type Event is rendered by the partial item-happening, ' +
        'and there is no such template: templates/partials/item-happening.mjml is missing',
    );
    mkdirSync(path.join(dir, 'templates/partials'), { recursive: true });
    write(
      dir,
      'templates/partials/item-happening.mjml',
      '<mj-section css-class="happening" padding="16px 0">\n  {{> item}}\n</mj-section>\n',
    );
    expect((await enews(['build', '1'], dir)).code).toBe(0);
    const html = read(dir, 'dist/001/email.html');
    expect(html).toMatch(/class="type-label"[^>]*>Upcoming event<\/p>/);
    expect(html).toContain('happening');
    expect(manifestInputs(dir)).toContain('templates/partials/item-happening.mjml');
  });
});

describe('the example project, which lists no item types', () => {
  it('reads exactly the templates it read before: item-default.mjml is not among its inputs', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect(manifestInputs(dir, '003').filter((n) => n.includes('partials/'))).toEqual([
      'templates/partials/dark-mode.mjml',
      'templates/partials/footer.mjml',
      'templates/partials/header.mjml',
      'templates/partials/item-article.mjml',
      'templates/partials/item-news.mjml',
      'templates/partials/item-spotlight-on-cooperatives.mjml',
      'templates/partials/item.mjml',
    ]);
  });

  it('builds the same email as with the three types written out in item_types', async () => {
    const plain = copyProject();
    const spelled = copyProject();
    edit(spelled, 'issues/newsletter.yaml', /$/, 'item_types: [News, Article, Spotlight on Cooperatives]\n');
    expect((await enews(['build', '3'], plain)).code).toBe(0);
    expect((await enews(['build', '3'], spelled)).code).toBe(0);
    for (const file of ['email.html', 'email.txt', 'web.html', 'fr/email.html', 'es/email.txt']) {
      const a = readFileSync(path.join(plain, 'dist/003', file), 'utf8');
      expect(readFileSync(path.join(spelled, 'dist/003', file), 'utf8'), file).toBe(a);
    }
  });
});
