/**
 * SMTP: a pool of connections (smtp-pool.ts), one message at a time on
 * each (smtp-message.ts). Owning the connections rather than going through
 * nodemailer's sendMail lets enews know how far each message got, and so
 * whether a retry could be a second copy.
 */
import { EnewsError, ExitCode } from '../../errors.js';
import type { Signer } from '../dkim.js';
import type { Transport } from '../transport.js';
import * as dataStream from './data-stream.js';
import { classifySmtpError, type SmtpFailure } from './smtp-classify.js';
import { connectionError } from './smtp-connect-error.js';
import { payloadOf, sendOn, type FastPath } from './smtp-message.js';
import { SmtpPool, type PoolOptions } from './smtp-pool.js';

export interface SmtpOptions extends PoolOptions {
  sign: Signer | null;
  /**
   * false: every message goes the ordinary nodemailer way (a stream it dot-stuffs), as when the DataStream adapter
   * could not install. For the tests that prove both ways deliver the same bytes; default true.
   */
  fastPath?: boolean;
}

export function smtpTransport(o: SmtpOptions): Transport {
  const pool = new SmtpPool(o);
  const fast: FastPath = { enabled: o.fastPath !== false && dataStream.installed, proven: false };
  return {
    name: 'smtp',
    target: o.settings.display,
    classify: classifySmtpError,
    async open() {
      try {
        await pool.warmUp();
      } catch (err) {
        throw connectionError(o.settings.display, err);
      }
    },
    async send(msg, before) {
      // A `before` that rejects: the run is stopping and this message must not be completed (transport.ts).
      let refused = false;
      before?.catch(() => {
        refused = true;
      });
      const payload = await payloadOf(msg, o.sign, fast);
      for (let attempt = 1; ; attempt++) {
        if (pool.isClosed)
          throw new EnewsError('transport-closed', 'The SMTP transport is closed.', { exitCode: ExitCode.stopped });
        const { conn, reused } = await pool.acquire();
        try {
          const delivered = await sendOn(conn, msg, payload, fast, o.timeoutMs, before ?? null);
          pool.release(conn);
          return delivered;
        } catch (err) {
          const e = err as SmtpFailure & { dataStarted?: boolean };
          pool.afterFailure(conn, e);
          // A pooled connection the server had closed while it sat idle fails before any of the
          // message went out: that is the connection's age, not a failure; try a fresh one once.
          if (refused) throw err;
          if (reused && attempt === 1 && !e.dataStarted && e.responseCode === undefined && !e.refusal) continue;
          throw err;
        }
      }
    },
    async close() {
      pool.close();
    },
  };
}
