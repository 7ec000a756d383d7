/** z***n@example.org: enough for a person to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const chars = [...local];
  const shown = chars.length <= 2 ? `${chars[0] ?? ''}***` : `${chars[0]}***${chars[chars.length - 1]}`;
  return `${shown}${address.slice(at)}`;
}
