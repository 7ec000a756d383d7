import { describe, expect, it } from 'vitest';
import { freeId, idFromLink } from './item-id.js';

describe('an item id from an entry’s address', () => {
  it('is the last part of the path, readable', () => {
    expect(idFromLink('https://www.example.org/coop/news/coop-future-of-work', 'x')).toBe('coop-future-of-work');
    expect(idFromLink('https://blog.example.net/2024/05/13/riders-assembly-new-board/', 'x')).toBe(
      'riders-assembly-new-board',
    );
    expect(idFromLink('https://housing.example.com/events/2024/05/10/open-day-rue-verte.html', 'x')).toBe(
      'open-day-rue-verte',
    );
    expect(idFromLink('https://example.org/actualit%C3%A9s/Caf%C3%A9_Coop%C3%A9ratif', 'x')).toBe('cafe-cooperatif');
  });

  it('keeps the part before a number, or the query, or else takes the title', () => {
    expect(idFromLink('https://example.org/node/123', 'x')).toBe('node-123');
    expect(idFromLink('https://blog.example.net/?p=412', 'x')).toBe('p-412');
    expect(idFromLink('https://example.org/', 'A Title, in Full')).toBe('a-title-in-full');
  });

  it('is made free with -2, -3 when another item has it', () => {
    const taken = new Set(['news', 'news-2']);
    expect(freeId('news', (id) => taken.has(id))).toBe('news-3');
    expect(freeId('fresh', (id) => taken.has(id))).toBe('fresh');
  });
});
