/**
 * Streams a CSV file staff exported from a spreadsheet: detects the
 * delimiter from the header line, tolerates a BOM, CRLF and quoted fields,
 * and yields each record with its line number. Encoding problems and broken
 * quoting become errors that name the line.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse';
import { EnewsError } from '../errors.js';
import { displayPath } from '../content/yaml-file.js';

export interface CsvRow {
  line: number;
  fields: string[];
}

export interface CsvHeader {
  delimiter: string;
  columns: string[];
  /** Line of the header (1, unless the file starts with blank lines). */
  line: number;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** Reads the start of the file to find the header line and its delimiter. */
export function sniffHeader(file: string): CsvHeader {
  const shown = displayPath(file);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnewsError('subscribers-missing', `${shown} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}: it should be the subscribers CSV.`);
  }
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const head = buf.subarray(0, n);
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new EnewsError('csv-encoding', `${shown} is saved as UTF-16; enews reads UTF-8.`, {
      problems: [{ message: 'Save it again as "CSV UTF-8 (comma delimited)" (Excel) or UTF-8 (LibreOffice).', location: { file: shown, line: 1 } }],
    });
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const index = lines.findIndex((l) => l.trim() !== '');
  if (index < 0) {
    throw new EnewsError('csv-empty', `${shown} is empty: it needs a header row (email,name,…) and one row per subscriber.`);
  }
  const first = lines[index]!;
  if (first.includes('\uFFFD')) {
    throw new EnewsError('csv-encoding', `${shown} is not UTF-8 (line ${index + 1} has bytes that are not valid UTF-8).`, {
      problems: [{ message: 'Save it again as "CSV UTF-8" from your spreadsheet program.', location: { file: shown, line: index + 1 } }],
    });
  }
  // The delimiter is the candidate that splits the header into the most columns.
  const delimiter = DELIMITERS.map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const columns = first.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
  return { delimiter, columns, line: index + 1 };
}

/** Every data record after the header, with the line it ends on. Blank records are skipped. */
export async function* readCsvRows(file: string, header: CsvHeader): AsyncGenerator<CsvRow> {
  const shown = displayPath(file);
  const parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter: header.delimiter,
      relax_column_count: true,
      // Empty lines come through (and are skipped below) so that line numbers can be counted exactly;
      // csv-parse's own counter miscounts line breaks inside quoted fields.
      skip_empty_lines: false,
      raw: true,
      from_line: header.line + 1,
    }),
  );
  let next = header.line + 1;
  let lastLine = header.line;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = next;
      // `raw` carries part of the record terminator (all of "\n", but only the "\r" of "\r\n"); drop it, count the rest.
      next += countNewlines(raw.replace(/\r?\n$|\r$/, '')) + 1;
      lastLine = next - 1;
      if (record.every((f) => f.trim() === '')) continue;
      yield { line, fields: record };
    }
  } catch (err) {
    const e = err as { code?: string; message: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new EnewsError('csv-quote', `${shown}: a quoted field that starts after line ${lastLine} is never closed.`, {
        problems: [
          {
            message: 'a field opens a double quote (") but never closes it, so the rest of the file reads as one field',
            location: { file: shown, line: lastLine + 1 },
            hint: 'Close the quote, or write a quote inside a quoted field as two quotes ("").',
          },
        ],
      });
    }
    const line = /line (\d+)/.exec(e.message)?.[1];
    throw new EnewsError('csv-syntax', `${shown} is not valid CSV.`, {
      problems: [
        {
          message: e.message.replace(/^[A-Za-z ]+: /, ''),
          location: { file: shown, line: line ? Number(line) : lastLine + 1 },
          hint: 'A field containing the delimiter or a quote must be put in double quotes, with inner quotes doubled ("").',
        },
      ],
    });
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
