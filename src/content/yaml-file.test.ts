import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EnewsError, type Problem } from '../errors.js';
import { locate, parseYaml, validate } from './yaml-file.js';

const FILE = '/project/issues/items.yaml';

/** The problems parseYaml (or validate) refuses `text` with, as [line, column, message, hint]. */
function problems(fn: () => unknown): Array<[number | undefined, number | undefined, string, string | undefined]> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EnewsError);
    return (err as EnewsError).problems.map((p: Problem) => [p.location?.line, p.location?.column, p.message, p.hint]);
  }
  throw new Error('expected a refusal');
}

const CLOSE = 'Close the quote or bracket on the same value, or remove it.';

describe('YAML syntax errors', () => {
  it('an unclosed quote or bracket is reported where it opens, not where the parser gave up', () => {
    const quote = 'title: Fine\nsubject: "Hello\nintro: x\nitems: []\n';
    expect(problems(() => parseYaml(FILE, quote))).toEqual([
      [2, 10, 'YAML syntax: this double quote (") is never closed', CLOSE],
    ]);
    const bracket = 'a: 1\nitems: [one, two\nb: 2\n';
    expect(problems(() => parseYaml(FILE, bracket))).toEqual([
      [2, 8, 'YAML syntax: this [ is never closed with ]', CLOSE],
    ]);
  });

  it('a quoted text that goes on to a line not indented under its field is named as such', () => {
    const text = '- id: one\n  title: "A title that\ngoes on"\n  date: 2024-01-01\n';
    expect(problems(() => parseYaml(FILE, text))).toEqual([
      [
        3,
        1,
        'YAML syntax: this line goes on with the quoted text of line 2 but is not indented under its field',
        'Indent the following lines of a quoted text further than the field name, or keep the text on one line.',
      ],
    ]);
  });

  it('a duplicate key, a tab and a second ": " each at their line, with the fix in words', () => {
    expect(problems(() => parseYaml(FILE, 'a: 1\nb: 2\na: 3\n'))).toEqual([
      [3, 1, 'YAML syntax: Map keys must be unique', 'A field appears twice in the same block; keep one.'],
    ]);
    expect(problems(() => parseYaml(FILE, 'a:\n\tb: 1\n'))).toEqual([
      [2, 1, 'YAML syntax: Tabs are not allowed as indentation', 'Indent with spaces; YAML does not allow tabs.'],
    ]);
    expect(problems(() => parseYaml(FILE, 'number: 3\ntitle: COOP Champions: Karim\n'))).toEqual([
      [
        2,
        8,
        'YAML syntax: this line does not fit the block above it',
        'A value containing ": " needs quotes, e.g. title: "COOP Champions: Karim Toumi".',
      ],
    ]);
  });

  it('a field of a list entry out of line is one problem at that field, not one for every line after it', () => {
    const text = ['- id: one', '  type: News', ' title: One', '  date: 2024-01-01', '- id: two', '  type: News', ''];
    const found = problems(() => parseYaml(FILE, text.join('\n')));
    expect(found.map(([line, column, message]) => [line, column, message])).toEqual([
      [3, 2, 'YAML syntax: this field is not lined up with the fields above it'],
    ]);
  });

  it('a line of a folded text not indented under its field says so; other stray lines get the general hint', () => {
    const quoted =
      '- id: one\n  summary: >-\n  "Efimerida", which is a newspaper\n    goes on.\n  url: https://example.org\n';
    expect(problems(() => parseYaml(FILE, quoted))).toEqual([
      [
        3,
        3,
        'YAML syntax: this line of the text under "summary: >-" is not indented under it',
        'Indent every line of that text further than "summary:" itself.',
      ],
    ]);
    expect(problems(() => parseYaml(FILE, 'number: 1\nintro: |\n  Hello\nWorld\nitems: []\n'))).toEqual([
      [
        4,
        1,
        'YAML syntax: this line does not fit the block above it',
        'Check the indentation of this line: a field lines up with the fields around it, and each line of a ' +
          'text block (intro: |) is indented under it.',
      ],
    ]);
  });
});

describe('a field without its ":"', () => {
  const colon = (key: string, fixed: string) => [
    `YAML syntax: missing ":" after the key "${key}"`,
    `Write a colon and a space after the field's name: ${fixed}`,
  ];

  it('is named as such at its line, not as an indentation problem', () => {
    const cases: Array<[string, number, number, string[]]> = [
      [
        'title: News\nreply_to coop@example.org\nlist_id: news.example.org\n',
        2,
        1,
        colon('reply_to', 'reply_to: coop@example.org'),
      ],
      ['number: 1\nintro |\n  Hello.\nitems: []\n', 2, 1, colon('intro', 'intro: |')],
      ['title: News\ndate 2017-04-26\n', 2, 1, colon('date', 'date: 2017-04-26')],
      ['from:\n  name Coop Unit\n  address: news@example.org\n', 2, 3, colon('name', 'name: Coop Unit')],
      [
        'from:\n  name: Coop Unit\n  address news@example.org\ntitle: News\n',
        3,
        3,
        colon('address', 'address: news@example.org'),
      ],
      ['- id: one\n  type News\n  title: One\n', 2, 3, colon('type', 'type: News')],
      ['- id: one\n  headline One\n- id: two\n  headline: Two\n', 2, 3, colon('headline', 'headline: One')],
      [
        'title: News\nsite\n  base_url: https://example.org/news/\n',
        2,
        1,
        ['YAML syntax: missing ":" after the key "site"', "Write a colon after the field's name: site:"],
      ],
      [
        'title:News\nnumber: 3\n',
        1,
        1,
        ['YAML syntax: missing space after the ":" of the key "title"', 'Write a space after the colon: title: News'],
      ],
    ];
    for (const [text, line, column, [message, hint]] of cases) {
      expect(
        problems(() => parseYaml(FILE, text)),
        text,
      ).toEqual([[line, column, message, hint]]);
    }
  });

  it('a line of text that lost its indentation is told both ways to read it', () => {
    const text = 'title: Cooperatives provide an alternative\nfor the future of work\nnumber: 3\n';
    expect(problems(() => parseYaml(FILE, text))).toEqual([
      [
        2,
        1,
        'YAML syntax: this line is not a field ("name: value")',
        'If it is a field, write ":" and a space after its name; if it is text that goes on from the line above, ' +
          'join the two lines.',
      ],
    ]);
  });
});

describe('locate', () => {
  const TEXT = [
    '# a comment',
    '- id: one',
    '  title:',
    '    en: One',
    '    fr: Un',
    '  tags: [a, b]',
    '- id: two',
    '  title: Two',
    '',
  ].join('\n');
  const src = parseYaml(FILE, TEXT);

  it('points at the value of a key path, or at the key itself', () => {
    expect(locate(src, [0, 'title', 'fr'])).toEqual({ file: FILE, line: 5, column: 9 });
    expect(locate(src, [0, 'title', 'fr'], true)).toEqual({ file: FILE, line: 5, column: 5 });
    expect(locate(src, [0, 'tags', 1])).toEqual({ file: FILE, line: 6, column: 13 });
    expect(locate(src, [1, 'title'], true)).toEqual({ file: FILE, line: 8, column: 3 });
    expect(locate(src, [1])).toEqual({ file: FILE, line: 7, column: 3 });
  });

  it('falls back to the nearest part of the path that exists', () => {
    expect(locate(src, [1, 'summary'])).toEqual({ file: FILE, line: 7, column: 3 });
    expect(locate(src, [0, 'title', 'es'], true)).toEqual({ file: FILE, line: 4, column: 5 });
    expect(locate(src, [7, 'title'])).toEqual({ file: FILE, line: 2, column: 1 });
    expect(locate(src, [])).toEqual({ file: FILE, line: 2, column: 1 });
  });
});

describe('validate', () => {
  const schema = z.array(
    z.strictObject({ id: z.string(), title: z.string(), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'bad date') }),
  );

  it('lists every problem of the file in line order, naming list entries by their id', () => {
    const text = [
      '- id: one',
      '  title: One',
      '  date: 2024-13',
      '- id: two',
      '  titel: Two',
      '  date: 2024-01-01',
      '- id: three',
      '  title: [not, text]',
      '  date: 2024-01-01',
      '',
    ].join('\n');
    let err: EnewsError | undefined;
    try {
      validate(parseYaml(FILE, text), schema, 'catalog of news items');
    } catch (e) {
      err = e as EnewsError;
    }
    expect(err?.message).toBe(`${FILE} is not a valid catalog of news items (4 problems):`);
    expect(err?.problems.map((p) => [p.location?.line, p.path, p.message, p.hint])).toEqual([
      [3, 'item "one": date', 'bad date (got text "2024-13")', undefined],
      [4, 'item "two": title', 'is required but missing', undefined],
      [5, 'item "two": titel', 'unknown field "titel"', 'Did you mean "title"?'],
      [8, 'item "three": title', 'must be text, not a list', undefined],
    ]);
  });

  it('refuses the invisible characters content must not carry, at their line', () => {
    const text = '- id: one\n  title: "Safe \u202Eevil"\n  date: 2024-01-01\n';
    let err: EnewsError | undefined;
    try {
      validate(parseYaml(FILE, text), schema, 'catalog of news items');
    } catch (e) {
      err = e as EnewsError;
    }
    expect(err?.problems.map((p) => [p.location?.line, p.path, p.message])).toEqual([
      [
        2,
        'item "one": title',
        'contains an invisible text-direction override character (U+202A–U+202E, U+2066–U+2069)',
      ],
    ]);
  });

  it('returns the parsed value when all is well', () => {
    const value = validate(parseYaml(FILE, '- id: one\n  title: One\n  date: 2024-01-01\n'), schema, 'catalog');
    expect(value).toEqual([{ id: 'one', title: 'One', date: '2024-01-01' }]);
  });
});
