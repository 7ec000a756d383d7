import { describe, expect, it } from 'vitest';
import { xmlProblem } from './xml-check.js';

describe('what is wrong with a feed’s XML', () => {
  it('nothing in well-formed XML, CDATA and comments included', () => {
    expect(xmlProblem('<rss><channel><item><title>a &lt; b</title><br/></item></channel></rss>')).toBeNull();
    expect(xmlProblem('<rss><d><![CDATA[<p>an <!ENTITY x "y"> in text</b>]]></d><!-- </x> --></rss>')).toBeNull();
  });

  it('nothing in HTML written unescaped into a description, which the parser reads as text', () => {
    expect(xmlProblem('<rss><item><description><p>One<br>two</p></description></item></rss>')).toBeNull();
    expect(xmlProblem('<rss><item><description><p>One<br>two</p></item></rss>')).toEqual({
      message: '</item> closes nothing open here: <description> (line 1) is still open',
      line: 1,
      column: 42,
    });
    expect(xmlProblem('<rss>\n<item><description><p>One<br>two</p>')).toMatchObject({
      message: 'the document ends before <description> (line 2) is closed',
    });
  });

  it('a closing tag that closes nothing open, at its line and column', () => {
    expect(xmlProblem('<rss>\n  <item>\n    <title>x</titel>\n</rss>')).toEqual({
      message: '</titel> closes nothing open here: <title> (line 3) is still open',
      line: 3,
      column: 13,
    });
  });

  it('a document cut short, at its end', () => {
    expect(xmlProblem('<rss>\n<channel>\n<item><title>x</title>')).toMatchObject({
      message: 'the document ends before <item> (line 3) is closed',
      line: 3,
      column: 23,
    });
  });

  it('an entity declaration, in the DOCTYPE or on its own', () => {
    const xxe = '<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n<rss/>';
    expect(xmlProblem(xxe)).toMatchObject({
      message: 'declares an entity (<!ENTITY …>), which enews never reads',
      line: 2,
      column: 17,
    });
    expect(xmlProblem('<!DOCTYPE rss [\n<!ENTITY a "b">\n]>\n<rss/>')).toMatchObject({ line: 2, column: 1 });
  });
});
