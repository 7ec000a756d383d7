/** Per-recipient slots: markers survive rendering, the part is split once, each message only joins. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeText, fillSlots, slotMarker, splitSlots } from './slots.js';

const values: Record<string, string> = { name: 'Zoë Martin', email: 'zoe@example.org' };
const slot = (name: string) => values[name] ?? `?${name}`;
const same = (s: string) => s;

describe('slotMarker', () => {
  it('wraps the name in private-use characters', () => {
    expect(slotMarker('unsubscribe_url')).toBe('\uE000unsubscribe_url\uE001');
  });

  it.each(['', 'a-b', 'a b', 'zoë', 'x\uE001y'])('refuses the name %j', (name) => {
    expect(() => slotMarker(name)).toThrow(`bad slot name ${name}`);
  });
});

describe('splitSlots and fillSlots', () => {
  it('split a part at its markers and fill them in order', () => {
    const t = splitSlots(`Dear ${slotMarker('name')}, this goes to ${slotMarker('email')}.`);
    expect(t).toEqual({ chunks: ['Dear ', ', this goes to ', '.'], slots: ['name', 'email'] });
    expect(fillSlots(t, slot, same)).toBe('Dear Zoë Martin, this goes to zoe@example.org.');
  });

  it('handle markers at the edges and side by side', () => {
    const t = splitSlots(slotMarker('name') + slotMarker('email'));
    expect(t).toEqual({ chunks: ['', '', ''], slots: ['name', 'email'] });
    expect(fillSlots(t, slot, same)).toBe('Zoë Martinzoe@example.org');
  });

  it('leave a part without markers whole', () => {
    expect(splitSlots('no slots here')).toEqual({ chunks: ['no slots here'], slots: [] });
    expect(fillSlots(splitSlots('no slots here'), slot, same)).toBe('no slots here');
  });

  it('do not take a marker with an invalid name for a slot', () => {
    const text = 'a\uE000bad-name\uE001b';
    expect(splitSlots(text)).toEqual({ chunks: [text], slots: [] });
  });

  it('escape each value, and never read markers inside a value', () => {
    const t = splitSlots(`<p>${slotMarker('name')}</p>`);
    expect(fillSlots(t, () => `<b>&"'${slotMarker('email')}`, escapeHtml)).toBe(
      `<p>&lt;b&gt;&amp;&quot;&#39;\uE000email\uE001</p>`,
    );
  });
});

describe('escapeText', () => {
  it('turns each run of line breaks into one space, so a value cannot start a line', () => {
    expect(escapeText('a\r\nb\u2028c\n\nd\u2029e')).toBe('a b c d e');
    expect(escapeText('plain <text> & "quotes"')).toBe('plain <text> & "quotes"');
  });
});
