/**
 * Word-wraps plain text for the text/plain part (72 columns reads well in
 * every client). Paragraphs and list items keep their breaks; a word longer
 * than the width (a URL) stays whole rather than being cut.
 */
export function wrapText(text: string, width = 72, indent = ''): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => wrapLine(line, width, indent))
    .join('\n');
}

function wrapLine(line: string, width: number, indent: string): string {
  if (line.trim() === '') return '';
  // A list item's continuation lines align under its text.
  const bullet = /^(\s*(?:[-*]|\d+\.)\s+)/.exec(line)?.[1] ?? '';
  const hang = indent + ' '.repeat(bullet.length);
  const words = line.slice(bullet.length).trim().split(/\s+/);
  const lines: string[] = [];
  let current = indent + bullet;
  let empty = true;
  for (const word of words) {
    if (!empty && [...current].length + 1 + [...word].length > width) {
      lines.push(current);
      current = hang + word;
    } else {
      current += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(current);
  return lines.join('\n');
}
