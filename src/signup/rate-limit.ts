/**
 * The per-client limit of the sign-up form: at most `max` requests per client
 * (its IP address) per hour, counted in fixed hours. It lives in the memory of
 * one `enews serve` process, on purpose: it only slows a script down, and what
 * must hold everywhere (one confirmation mail per address per cooldown) is the
 * list state's, which every process and machine shares (EventStore.claim).
 * A restart forgets it; so do several processes, each counting its own.
 */
const HOUR = 3600_000;
/** Clients remembered at most: a flood of forged addresses cannot grow the map without end. */
const MAX_CLIENTS = 100_000;

export class RateLimit {
  private hour = -1;
  private counts = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request of `client`; false when it is over the limit for this hour. */
  allow(client: string): boolean {
    const hour = Math.floor(this.now() / HOUR);
    if (hour !== this.hour) {
      this.hour = hour;
      this.counts = new Map();
    }
    const n = (this.counts.get(client) ?? 0) + 1;
    if (n > this.max) return false;
    if (this.counts.size >= MAX_CLIENTS && !this.counts.has(client)) return false;
    this.counts.set(client, n);
    return true;
  }
}
