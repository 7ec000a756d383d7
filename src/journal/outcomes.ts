/**
 * The final outcome per address recorded in a journal, compactly (see
 * util/key-set.ts): a million outcomes take about 34 MB, not 100.
 */
import { KeyMap } from '../util/key-set.js';

export type Outcome = 'sent' | 'failed';

const CODE = { sent: 1, failed: 2 } as const;

export class Outcomes {
  private readonly map = new KeyMap();
  sent = 0;
  failed = 0;

  get(key: string): Outcome | undefined {
    const v = this.map.get(key);
    return v === CODE.sent ? 'sent' : v === CODE.failed ? 'failed' : undefined;
  }

  /** A later `sent` replaces an earlier `failed` (a retry that worked), never the reverse. */
  record(key: string, outcome: Outcome): void {
    const before = this.get(key);
    if (before === outcome || before === 'sent') return;
    this.map.set(key, CODE[outcome]);
    if (before === 'failed') this.failed--;
    if (outcome === 'sent') this.sent++;
    else this.failed++;
  }
}
