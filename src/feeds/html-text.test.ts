import { describe, expect, it } from 'vitest';
import { cutAtSentence, cutAtWord, htmlLine, htmlParagraphs, htmlSummary } from './html-text.js';

describe('a feed’s HTML as the catalog’s text', () => {
  it('keeps the words of each paragraph, entities decoded, links as their text, scripts and captions dropped', () => {
    const html =
      '<p>Caf&eacute; &amp; <a href="https://x.example">bar</a>&#8217;s   <b>news</b>.</p>' +
      '<script>alert(1)</script><figure><img src="x.jpg"><figcaption>Photo credit</figcaption></figure>' +
      '<ul><li>One</li><li>Two</li></ul>';
    expect(htmlParagraphs(html)).toEqual(['Café & bar’s news.', 'One', 'Two']);
  });

  it('leaves out what blogs append: "The post … appeared first on …", […], Continue reading', () => {
    expect(htmlParagraphs('<p>Text. [&hellip;]</p><p>The post <a>X</a> appeared first on <a>Blog</a>.</p>')).toEqual([
      'Text.',
    ]);
    expect(htmlParagraphs('<p>Text. [...]</p>')).toEqual(['Text.']);
    expect(htmlParagraphs('<p>Text. <a href="#">Continue reading →</a></p>')).toEqual(['Text.']);
  });

  it('removes control, private-use and direction-override characters, which the catalog refuses', () => {
    expect(htmlLine('A\u0007B\uE001C\u202ED\u200BE', 100)).toBe('ABCDE');
  });

  it('makes a title one line within its length', () => {
    expect(htmlLine('<p>One</p>\n<p>Two</p>', 100)).toBe('One Two');
    expect(htmlLine('word '.repeat(100), 30)).toBe('word word word word word word…');
  });

  it('cuts a summary after the last sentence that fits, not after an abbreviation', () => {
    const text =
      'First sentence here. Dr. Ruiz spoke in No. 3 of the series. A third sentence that is too long to fit.';
    expect(cutAtSentence(text, 70)).toBe('First sentence here. Dr. Ruiz spoke in No. 3 of the series.');
    expect(cutAtSentence(text, 30)).toBe('First sentence here.');
    expect(cutAtSentence('Short.', 30)).toBe('Short.');
    expect(htmlSummary(`<p>${text}</p>`, 70)).toBe('First sentence here. Dr. Ruiz spoke in No. 3 of the series.');
  });

  it('cuts at a word with "…" when no sentence ends in the first two thirds', () => {
    expect(cutAtSentence('An endless sentence without a full stop anywhere in it at all', 30)).toBe(
      'An endless sentence without a…',
    );
    expect(cutAtWord('abcdefghij', 5)).toBe('abcd…');
  });
});
