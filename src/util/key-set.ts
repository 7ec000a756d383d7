/**
 * Sets and small maps of address keys for lists of a million subscribers.
 * A JavaScript Set<string> costs about 80 bytes an address; these keep a
 * 106-bit fingerprint (two independent 53-bit hashes) in typed arrays, about
 * 24 bytes an address. Two different addresses share a fingerprint with a
 * probability near n²/2¹⁰⁷ (about 10⁻²⁰ for a million), far below any
 * other risk in a send.
 */

/** cyrb53 (public domain): a fast, well-mixed 53-bit string hash. */
function cyrb53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const EMPTY = 0;

/** Open addressing over (a, b) fingerprint pairs; 0 marks an empty slot (a real 0 is remapped). */
export class KeyMap {
  private a: Float64Array;
  private b: Float64Array;
  private v: Uint8Array;
  private count = 0;

  constructor(capacity = 1024) {
    const size = 1 << Math.ceil(Math.log2(Math.max(16, capacity * 2)));
    this.a = new Float64Array(size);
    this.b = new Float64Array(size);
    this.v = new Uint8Array(size);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for the key (1–255), or 0 when absent. */
  get(key: string): number {
    // An empty map (no uncertain sends, say) is asked once per recipient: no hashing for nothing.
    if (this.count === 0) return 0;
    const i = this.find(cyrb53(key, 1) || 1, cyrb53(key, 2));
    return i >= 0 ? this.v[i]! : 0;
  }

  has(key: string): boolean {
    return this.get(key) !== 0;
  }

  /** Stores a value (1–255); returns true if the key was new. */
  set(key: string, value: number): boolean {
    if ((this.count + 1) * 2 > this.a.length) this.grow();
    return this.put(cyrb53(key, 1) || 1, cyrb53(key, 2), value);
  }

  private find(fa: number, fb: number): number {
    const mask = this.a.length - 1;
    for (let i = fa % this.a.length; ; i = (i + 1) & mask) {
      if (this.a[i] === EMPTY) return -1;
      if (this.a[i] === fa && this.b[i] === fb) return i;
    }
  }

  private put(fa: number, fb: number, value: number): boolean {
    const mask = this.a.length - 1;
    for (let i = fa % this.a.length; ; i = (i + 1) & mask) {
      if (this.a[i] === EMPTY) {
        this.a[i] = fa;
        this.b[i] = fb;
        this.v[i] = value;
        this.count++;
        return true;
      }
      if (this.a[i] === fa && this.b[i] === fb) {
        this.v[i] = value;
        return false;
      }
    }
  }

  private grow(): void {
    const { a, b, v } = this;
    this.a = new Float64Array(a.length * 2);
    this.b = new Float64Array(a.length * 2);
    this.v = new Uint8Array(a.length * 2);
    this.count = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== EMPTY) this.put(a[i]!, b[i]!, v[i]!);
  }
}

/** A set of keys: add() says whether the key is new. */
export class KeySet {
  private readonly map: KeyMap;

  constructor(capacity?: number) {
    this.map = new KeyMap(capacity);
  }

  get size(): number {
    return this.map.size;
  }

  add(key: string): boolean {
    return this.map.set(key, 1);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }
}
