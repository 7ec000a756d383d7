/** Line numbers in subscriber errors must match what a spreadsheet or editor shows. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRows, sniffHeader } from '../src/subscribers/csv-rows.js';
import { emptyDir, write } from './helpers/project.js';

async function lines(text: string): Promise<Array<[number, string]>> {
  const dir = emptyDir();
  const file = write(dir, 'list.csv', text);
  const out: Array<[number, string]> = [];
  for await (const row of readCsvRows(path.resolve(file), sniffHeader(file))) out.push([row.line, row.fields[0]!]);
  return out;
}

describe('CSV line numbers', () => {
  const rows = ['email,name', 'a@example.org,One', '', 'b@example.org,"Two', 'lines"', 'c@example.org,Three', ',,', 'd@example.org,Four'];
  const expected: Array<[number, string]> = [
    [2, 'a@example.org'],
    [4, 'b@example.org'],
    [6, 'c@example.org'],
    [8, 'd@example.org'],
  ];

  it('are exact with LF line ends, blank lines and a quoted field over two lines', async () => {
    expect(await lines(rows.join('\n') + '\n')).toEqual(expected);
  });

  it('are exact with CRLF line ends and no final newline', async () => {
    expect(await lines(rows.join('\r\n'))).toEqual(expected);
  });

  it('are exact after a UTF-8 BOM and leading blank lines', async () => {
    expect(await lines('\uFEFF\n\n' + rows.join('\n'))).toEqual(expected.map(([l, e]) => [l + 2, e]));
  });
});
