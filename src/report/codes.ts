/** What the permanent SMTP reply codes of failed recipients mean, in a few words (RFC 5321, RFC 7504). */
const MEANINGS: Record<number, string> = {
  521: 'the domain accepts no mail',
  541: 'refused by the recipient’s spam or policy filter',
  550: 'mailbox unavailable: no such address, or refused by policy',
  551: 'the address is not served there',
  552: 'mailbox full, or the message too large for it',
  553: 'the address is not allowed',
  554: 'refused (often as spam or by the receiving server’s policy)',
  556: 'the domain accepts no mail',
};

export function codeMeaning(code: number | null): string {
  if (code === null) return 'no reply code: refused before a server answered (e.g. an address it cannot take)';
  return MEANINGS[code] ?? (code >= 500 && code < 600 ? 'refused for good by the receiving server' : 'refused');
}

export function codeLabel(code: number | null): string {
  return code === null ? 'none' : String(code);
}
