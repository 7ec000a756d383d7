/** Line numbers in subscriber errors must match what a spreadsheet or editor shows. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRows, sniffHeader } from './csv-rows.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-csv-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

async function lines(text: string): Promise<Array<[number, string]>> {
  const file = path.join(dir, `list-${++files}.csv`);
  writeFileSync(file, text);
  const out: Array<[number, string]> = [];
  for await (const row of readCsvRows(file, sniffHeader(file))) out.push([row.line, row.fields[0]!]);
  return out;
}

describe('CSV line numbers', () => {
  const rows = [
    'email,name',
    'a@example.org,One',
    '',
    'b@example.org,"Two',
    'lines"',
    'c@example.org,Three',
    ',,',
    'd@example.org,Four',
  ];
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
