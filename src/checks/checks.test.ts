/** The pure parts of the checks: colours and ratios, client names, SpamAssassin's report, template markers. */
import { describe, expect, it } from 'vitest';
import { clientName, DEFAULT_CLIENTS, knownClients } from './client-support.js';
import { formatRatio, hexOf, parseColour, ratio, suggest } from './contrast.js';
import { markTemplates } from './source-map.js';
import { parseReport } from './spam.js';

describe('contrast', () => {
  it('parses hex, rgb() and names; translucent colours are left to the browser', () => {
    expect(parseColour('#FFF')).toEqual([255, 255, 255]);
    expect(parseColour('#1e2dbe')).toEqual([30, 45, 190]);
    expect(parseColour('rgb(1, 2, 3)')).toEqual([1, 2, 3]);
    expect(parseColour('rgba(1, 2, 3, 0.5)')).toBeNull();
    expect(parseColour('black')).toEqual([0, 0, 0]);
  });

  it('computes WCAG ratios, never rounding up past a limit', () => {
    expect(ratio([0, 0, 0], [255, 255, 255])).toBe(21);
    expect(formatRatio(4.499)).toBe('4.49:1');
    const light: [number, number, number] = [0x88, 0x99, 0xff];
    const fixed = suggest(light, [255, 255, 255], 4.5);
    expect(ratio(fixed, [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
    expect(hexOf(fixed)).toBe('#6571bd');
  });
});

describe('client names', () => {
  it('knows the default clients, Outlook.com included, and names them for people', () => {
    const known = knownClients();
    for (const c of DEFAULT_CLIENTS) expect(known).toContain(c);
    expect(clientName('outlook.outlook-com')).toBe('Outlook.com');
    expect(clientName('gmail.desktop-webmail')).toBe('Gmail web');
    expect(clientName('samsung-email.android')).toBe('Samsung Email Android');
  });
});

describe('SpamAssassin report', () => {
  it('reads the score, the threshold and each rule with its wrapped description', () => {
    const out = [
      'X-Spam-Checker-Version: SpamAssassin 4.0.1 (2024-03-25) on vm',
      '',
      'Content analysis details:   (0.7 points, 5.0 required)',
      '',
      ' pts rule name              description',
      '---- ---------------------- --------------------------------------------------',
      '-0.0 NO_RELAYS              Informational: message was not relayed via SMTP',
      ' 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to',
      '                            background',
      '',
    ].join('\n');
    expect(parseReport(out)).toEqual({
      score: 0.7,
      required: 5,
      version: '4.0.1',
      rules: [
        { name: 'NO_RELAYS', score: -0, description: 'Informational: message was not relayed via SMTP' },
        {
          name: 'HTML_FONT_LOW_CONTRAST',
          score: 0.7,
          description: 'BODY: HTML font color similar or identical to background',
        },
      ],
    });
  });
});

describe('template markers', () => {
  it('marks each tag with its file and line, merging css-class, leaving {{ }} and comments alone', () => {
    const source = [
      '{{!-- <p>not a tag</p> --}}',
      '<mj-section css-class="x">',
      '  <mj-text><p class="a">{{#if b}}<b>{{/if}}</p></mj-text>',
      '</mj-section>',
    ].join('\n');
    const set = {
      dir: '/t',
      html: { file: '/t/email.mjml', source },
      text: { file: '/t/email.txt', source: '<p>' },
      partials: new Map(),
    };
    const { templates, sites } = markTemplates(set);
    expect(templates.html.source.split('\n')).toEqual([
      '{{!-- <p>not a tag</p> --}}',
      '<mj-section css-class="enews-src-0 x">',
      '  <mj-text css-class="enews-src-1"><p data-enews-src="2" class="a">{{#if b}}<b data-enews-src="3">{{/if}}</p></mj-text>',
      '</mj-section>',
    ]);
    expect(sites).toEqual([
      { file: '/t/email.mjml', line: 2, column: 1 },
      { file: '/t/email.mjml', line: 3, column: 3 },
      { file: '/t/email.mjml', line: 3, column: 12 },
      { file: '/t/email.mjml', line: 3, column: 34 },
    ]);
    expect(templates.text.source).toBe('<p>');
  });
});
