/**
 * Sends the confirmation messages of `enews serve` after the sign-up page has
 * answered, through the configured transport (the same as `enews send`'s),
 * one at a time: the answer never waits for a mail server, so it cannot say by
 * its timing whether a message went out. A message that fails for a while
 * (4xx, a dropped connection) is tried again a few times; one that cannot go
 * out is logged (without the address) and dropped: the person asks again
 * after the cooldown. The transport is opened at the first message and kept
 * open; a closed connection is reopened by the next message.
 */
import type { OutgoingMessage, Transport } from '../delivery/transport.js';

export interface MailerOptions {
  /** Makes the transport (not opened). */
  transport(): Promise<Transport>;
  log(line: string): void;
  /** Attempts per message. */
  attempts?: number;
  retryDelayMs?: number;
  /** Messages waiting at most: beyond, new ones are dropped (a flood must not fill the memory). */
  maxQueue?: number;
}

export class Mailer {
  private readonly queue: Array<() => OutgoingMessage> = [];
  private running: Promise<void> | null = null;
  private transport: Transport | null = null;
  private closed = false;

  constructor(private readonly o: MailerOptions) {}

  /** Queues a message (made when its turn comes); returns at once. */
  send(make: () => OutgoingMessage): void {
    if (this.closed) return;
    if (this.queue.length >= (this.o.maxQueue ?? 1000)) {
      this.o.log('confirmation messages: the queue is full; one was dropped');
      return;
    }
    this.queue.push(make);
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Waits for the queued messages (at most `ms`), then lets go of the transport. */
  async close(ms = 10_000): Promise<void> {
    this.closed = true;
    if (this.running) await Promise.race([this.running, new Promise((r) => setTimeout(r, ms))]);
    this.queue.length = 0;
    await this.transport?.close();
    this.transport = null;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const msg = this.queue.shift()!();
      await this.deliver(msg);
    }
  }

  private async deliver(msg: OutgoingMessage): Promise<void> {
    const attempts = this.o.attempts ?? 4;
    for (let i = 1; i <= attempts; i++) {
      try {
        const t = await this.opened();
        await t.send(msg);
        return;
      } catch (err) {
        const kind = this.transport ? this.transport.classify(err).kind : 'temporary';
        // A server's refusal may quote the address; the log says which message, not whose.
        const why = ((err as Error)?.message?.split('\n')[0] ?? String(err)).replace(
          new RegExp(msg.to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'),
          '<address>',
        );
        if (kind === 'permanent' || kind === 'fatal' || i === attempts) {
          this.o.log(`a confirmation message could not be sent (${kind}): ${why}`);
          if (kind === 'fatal') await this.reset();
          return;
        }
        await this.reset();
        await new Promise((r) => setTimeout(r, (this.o.retryDelayMs ?? 2000) * 2 ** (i - 1)));
      }
    }
  }

  private async opened(): Promise<Transport> {
    if (this.transport) return this.transport;
    const t = await this.o.transport();
    await t.open();
    this.transport = t;
    return t;
  }

  private async reset(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    await t?.close();
  }
}
