/**
 * Room in front of a composed message for the fields a transport puts before its first line (DKIM-Signature),
 * so a signed message goes out without copying its ≈ 27 KB into a new Buffer. Measured (BENCHMARKS.md, "Stop
 * 34"): without that copy, V8's garbage-collection threads spend ≈ 0.6 s less CPU per 10,000 signed messages.
 */

/** Bytes kept free before each composed message: an RSA-4096 and an Ed25519 signature field fit with room. */
export const HEADROOM = 2048;

/** The room still free in front of a Buffer made by `withHeadroom`; a Buffer not in here has none. */
const room = new WeakMap<Buffer, number>();

/** A Buffer of `size` bytes with HEADROOM free bytes before it, in memory of its own (never Node's shared pool). */
export function withHeadroom(size: number): Buffer {
  const b = Buffer.allocUnsafeSlow(HEADROOM + size).subarray(HEADROOM);
  room.set(b, HEADROOM);
  return b;
}

/**
 * `front` then `b`, as one Buffer: written into the room before `b` when it fits, else copied into a new one.
 * The room is used once: a second call copies, so what an earlier result holds never changes under it.
 */
export function prepend(front: Buffer, b: Buffer): Buffer {
  const free = room.get(b) ?? 0;
  if (front.length > free) return Buffer.concat([front, b]);
  room.delete(b);
  const whole = Buffer.from(b.buffer, b.byteOffset - front.length, front.length + b.length);
  front.copy(whole, 0);
  return whole;
}
