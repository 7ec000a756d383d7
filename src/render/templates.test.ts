import Handlebars from 'handlebars';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyDir, write } from '../../tests/helpers/project.js';
import { compilable, handlebarsEnv, loadTemplates } from './templates.js';

/** Whitespace control and standalone blocks: what Handlebars changes in the tree when it compiles. */
const TRICKY = [
  '<mj-text>',
  '  {{#each items}}',
  '    {{~> line}}',
  '  {{/each}}',
  '  {{#if none}}',
  '  nothing',
  '  {{else}}',
  '  {{~ title ~}}  ',
  '  {{/if}}',
  '</mj-text>',
  '',
].join('\n');

function project(): string {
  const dir = emptyDir();
  mkdirSync(path.join(dir, 'templates', 'partials'), { recursive: true });
  write(dir, 'templates/email.mjml', TRICKY);
  write(dir, 'templates/email.txt', TRICKY);
  write(dir, 'templates/partials/line.mjml', '  {{#if this}}\n  <p>{{this}}</p>\n  {{/if}}\n');
  write(dir, 'templates/partials/line.txt', '{{this}}\n');
  return path.join(dir, 'templates');
}

describe('templates parsed once', () => {
  it('compile from the tree their syntax check parsed, the first time only, to the same output as from source', () => {
    const set = loadTemplates(project(), []);
    const view = { items: ['a', '', 'b'], none: false, title: 'T & U' };
    const fromTree = compilable(set.html);
    expect(typeof fromTree).toBe('object');
    expect(compilable(set.html)).toBe(set.html.source);
    const env = handlebarsEnv(set, 'html');
    const expected = Handlebars.create();
    expected.registerPartial('line', set.partials.get('line.mjml')!.source);
    expect(env.compile(fromTree, { strict: true })(view)).toBe(
      expected.compile(set.html.source, { strict: true })(view),
    );
    // A copy with other source (the checks' marked templates) never takes the original's tree.
    expect(compilable({ ...set.text, source: 'other' })).toBe('other');
  });
});
