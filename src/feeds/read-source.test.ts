import { describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { decode } from './read-source.js';

describe('a feed’s bytes as text', () => {
  it('in the encoding its byte-order mark, its XML declaration or its Content-Type names, else UTF-8', () => {
    expect(decode(Buffer.from('\uFEFF<rss>é</rss>'), null, 'f')).toBe('<rss>é</rss>');
    expect(decode(Buffer.from('\uFEFF<rss>é</rss>', 'utf16le'), null, 'f')).toBe('<rss>é</rss>');
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss>café</rss>', 'latin1');
    expect(decode(latin1, 'application/rss+xml; charset=utf-8', 'f')).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss>café</rss>',
    );
    expect(decode(Buffer.from('<rss>caf\xe9</rss>', 'latin1'), 'text/xml; charset=windows-1252', 'f')).toBe(
      '<rss>café</rss>',
    );
    expect(decode(Buffer.from('{"title":"é"}'), 'application/feed+json', 'f')).toBe('{"title":"é"}');
  });

  it('refuses an encoding it cannot read, saying which', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="x-klingon"?><rss/>');
    expect(() => decode(bytes, null, 'f')).toThrow(EnewsError);
    expect(() => decode(bytes, null, 'f')).toThrow(
      'f is written in the encoding "x-klingon", which enews cannot read.',
    );
  });
});
