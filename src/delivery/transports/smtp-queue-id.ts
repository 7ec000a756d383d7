/**
 * The queue id an SMTP server names in its reply to the final dot, when it
 * states one. It is what the server calls the message from then on: in its
 * logs, and in what a relay reports back about a bounce. A relay may replace
 * the Message-ID enews wrote (an API relay such as SES does), so a return
 * that comes back through the relay can only be matched by the id the relay
 * gave; the journal keeps it.
 *
 * Only replies that say which part is the id are read; any other wording
 * gives none rather than a guess:
 * - Postfix (and relays built like it): `250 2.0.0 Ok: queued as 4Xyz1aB2cD`
 * - Exim: `250 OK id=1uAbCd-000123-Ef`
 * smtp-server's default `250 OK: message queued` names no id.
 */

/** "250", an optional enhanced status code, then the server's wording; the id is letters, digits, `.`, `_`, `-`. */
const QUEUE_ID = [
  /^250[ -](?:[245]\.\d{1,3}\.\d{1,3} )?Ok: queued as ([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?)/i,
  /^250[ -](?:[245]\.\d{1,3}\.\d{1,3} )?OK id=([A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?)/i,
];

export function queueIdOf(reply: string): string | undefined {
  for (const re of QUEUE_ID) {
    const id = re.exec(reply)?.[1];
    if (id) return id;
  }
  return undefined;
}
