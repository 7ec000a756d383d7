import { describe, expect, it } from 'vitest';
import { HEADROOM, prepend, withHeadroom } from './headroom.js';

const filled = (size: number, text: string) => {
  const b = withHeadroom(size);
  b.write(text.repeat(Math.ceil(size / text.length)).slice(0, size), 'latin1');
  return b;
};

describe('prepend', () => {
  it('writes the front into the room before the message: the same bytes as a copy, without one', () => {
    const msg = filled(30_000, 'body line\r\n');
    const front = Buffer.from('DKIM-Signature: v=1; a=rsa-sha256;\r\n b=abc\r\n');
    const whole = prepend(front, msg);
    expect(whole.equals(Buffer.concat([front, msg]))).toBe(true);
    expect(whole.buffer).toBe(msg.buffer);
    expect(whole.byteOffset + front.length).toBe(msg.byteOffset);
  });

  it('uses the room once: a second front is copied, and the first result keeps its bytes', () => {
    const msg = filled(5_000, 'x');
    const first = prepend(Buffer.from('First: 1\r\n'), msg);
    const second = prepend(Buffer.from('Second: 22\r\n'), msg);
    expect(second.buffer).not.toBe(msg.buffer);
    expect(second.toString('latin1', 0, 12)).toBe('Second: 22\r\n');
    expect(first.toString('latin1', 0, 10)).toBe('First: 1\r\n');
    expect(first.subarray(10).equals(msg)).toBe(true);
  });

  it('copies a front larger than the room, and a Buffer made without room', () => {
    const msg = filled(100, 'y');
    const big = Buffer.alloc(HEADROOM + 1, 0x41);
    const whole = prepend(big, msg);
    expect(whole.buffer).not.toBe(msg.buffer);
    expect(whole.equals(Buffer.concat([big, msg]))).toBe(true);
    // The room is still there for a front that fits.
    expect(prepend(Buffer.from('A: b\r\n'), msg).buffer).toBe(msg.buffer);

    // A Buffer from Node's shared pool: the bytes before it are somebody else's.
    const pooled = Buffer.from('pooled message');
    const neighbour = Buffer.from(pooled.buffer, Math.max(0, pooled.byteOffset - 8), Math.min(8, pooled.byteOffset));
    const before = Buffer.from(neighbour);
    const joined = prepend(Buffer.from('Front\r\n'), pooled);
    expect(joined.toString('latin1')).toBe('Front\r\npooled message');
    expect(neighbour.equals(before)).toBe(true);
  });
});
