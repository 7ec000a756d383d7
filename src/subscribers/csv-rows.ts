/**
 * Streams a CSV file staff exported from a spreadsheet: detects the
 * delimiter from the header line, tolerates a BOM, quoted fields and any mix
 * of CRLF, LF and CR line ends, and yields each record with the line it
 * starts on. Encoding problems and broken quoting become errors that name
 * the line and column.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { EnewsError, type Location } from '../errors.js';
import { firstInvalidUtf8Line } from './utf8.js';

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
/** A line end as editors count them: CRLF, LF or a lone CR (old Mac files, or rows pasted from one). */
const LINE_BREAK = /\r\n|\r|\n/;
const LINE_BREAKS = /\r\n|\r|\n/g;
const SAVE_AS_UTF8 =
  'Save it again as "CSV UTF-8 (comma delimited)" (Excel) or with the UTF-8 character set (LibreOffice).';

/** Reads the start of the file to find the header line and its delimiter. */
export function sniffHeader(file: string): CsvHeader {
  const shown = file;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EnewsError(
      'subscribers-missing',
      `${shown} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}: ` +
        `it should be the subscribers CSV.`,
    );
  }
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const head = buf.subarray(0, n);
  // UTF-16 shows as a byte-order mark, or as a NUL byte next to every ASCII letter.
  const sample = head.subarray(0, 200);
  const nuls = sample.filter((b) => b === 0).length;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || nuls > sample.length / 4) {
    throw new EnewsError('csv-encoding', `${shown} is saved as UTF-16 (Unicode); enews reads UTF-8.`, {
      problems: [{ message: SAVE_AS_UTF8, location: { file: shown, line: 1 } }],
    });
  }
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const lines = text.split(LINE_BREAK);
  const index = lines.findIndex((l) => l.trim() !== '');
  if (index < 0) {
    throw new EnewsError(
      'csv-empty',
      `${shown} is empty: it needs a header row (email,name,…) and one row per subscriber.`,
    );
  }
  const first = lines[index]!;
  const location = { file: shown, line: index + 1 };
  if (first.includes('\uFFFD')) {
    throw new EnewsError(
      'csv-encoding',
      `${shown} is not UTF-8 (line ${index + 1} has bytes that are not valid UTF-8).`,
      {
        problems: [{ message: SAVE_AS_UTF8, location }],
      },
    );
  }
  // The delimiter is the candidate that splits the header into the most columns.
  const [delimiter] = DELIMITERS.map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]!;
  const columns = first.split(delimiter).map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim()
      .toLowerCase(),
  );
  const mixed = DELIMITERS.find((d) => d !== delimiter && columns.some((c) => c.includes(d)));
  if (mixed) {
    throw new EnewsError('csv-header', `${shown} has an unusable header row (1 problem):`, {
      problems: [
        {
          message:
            `the header mixes the delimiters "${show(delimiter)}" and ` +
            `"${show(mixed)}" (column "${columns.find((c) => c.includes(mixed))}")`,
          location,
          hint: 'Use one delimiter for the whole file: save it again as CSV from your spreadsheet program.',
        },
      ],
    });
  }
  return { delimiter, columns, line: index + 1 };
}

function show(d: string): string {
  return d === '\t' ? 'tab' : d;
}

/** Every data record after the header, with the line it starts on. Blank records are skipped. */
export async function* readCsvRows(file: string, header: CsvHeader): AsyncGenerator<CsvRow> {
  const shown = file;
  const parser = parse({
    bom: true,
    delimiter: header.delimiter,
    relax_column_count: true,
    // A quote inside an unquoted field (Karim "KB" Benali) is kept as text, as spreadsheets do.
    relax_quotes: true,
    // Empty lines come through (and are skipped below) so that line numbers can be counted exactly;
    // csv-parse's own counter miscounts line breaks inside quoted fields.
    skip_empty_lines: false,
    // Any line end, record by record: left to itself csv-parse takes the first one it meets for the whole
    // file, and a row an editor appended with another line end would run into the field before it.
    // (\r\n comes first so that it is not read as \r then an empty record.)
    record_delimiter: ['\r\n', '\n', '\r'],
    raw: true,
    from_line: header.line + 1,
  });
  // pipeline (unlike pipe) hands a decoding error on to the parser, so the loop below sees it.
  pipeline(Readable.from(decodeUtf8(file)), parser, () => {});
  let next = header.line + 1;
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = next;
      // `raw` ends with one character of the record's line end ("\n", "\r", or the "\r" of "\r\n"),
      // except for a last line without one; line breaks before that are inside quoted fields.
      const inside = countLineBreaks(raw) - (/[\r\n]$/.test(raw) ? 1 : 0);
      next += inside + 1;
      if (inside > 0) throwIfRunawayQuote(record, raw, line, shown, header);
      if (record.every((f) => f.trim() === '')) continue;
      yield { line, fields: record };
    }
  } catch (err) {
    if (err instanceof EnewsError) throw err;
    throw csvSyntaxError(err as CsvParseError, { file: shown, line: next }, header);
  }
}

interface CsvParseError {
  code?: string;
  message: string;
  column?: number;
}

const CLOSE_QUOTE_HINT = 'Close the quote, or write a quote inside a quoted field as two quotes ("").';

function columnName(index: number, header: CsvHeader): string {
  return `${index + 1}${header.columns[index] ? ` (${header.columns[index]})` : ''}`;
}

/**
 * relax_quotes has a cost. A quote that is never closed runs to the end of the file only if no other quote
 * follows (csv-parse then reports CSV_QUOTE_NOT_CLOSED); otherwise the field stops at the next quote that
 * is not followed by a delimiter (`Karim "KB"` or `"O'Brien, Seán"` some rows down), kept as text, and the
 * rows in between become one field, reported as a wrong name or language. Report the open quote instead.
 * Only records that span lines get here; the culprit is a field with a line break that does not stand in
 * the raw text as a properly quoted field (quotes around it, inner quotes doubled).
 */
function throwIfRunawayQuote(record: string[], raw: string, line: number, file: string, header: CsvHeader): void {
  const i = record.findIndex((f) => LINE_BREAK.test(f) && !raw.includes(`"${f.replaceAll('"', '""')}"`));
  if (i < 0) return;
  // Fields before it that span lines are properly quoted, so they hold exactly the line breaks of the file.
  const from = line + record.slice(0, i).reduce((n, f) => n + countLineBreaks(f), 0);
  const to = from + countLineBreaks(record[i]!);
  throw new EnewsError('csv-syntax', `${file} is not valid CSV.`, {
    problems: [
      {
        message:
          `column ${columnName(i, header)} opens a double quote (") ` +
          `that is never closed, so lines ${from} to ${to} read as one field`,
        location: { file, line: from },
        hint: CLOSE_QUOTE_HINT,
      },
    ],
  });
}

function csvSyntaxError(e: CsvParseError, location: Location, header: CsvHeader): EnewsError {
  const column = e.column !== undefined ? ` ${columnName(e.column, header)}` : '';
  const quoteHint = 'Put the whole field in double quotes and double any quote inside it: "Karim ""KB"" Benali".';
  const [message, hint] =
    e.code === 'CSV_QUOTE_NOT_CLOSED'
      ? [
          'a field opens a double quote (") that is never closed, so the rest of the file reads as one field',
          CLOSE_QUOTE_HINT,
        ]
      : e.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? [`in column${column}, text follows the closing quote of a quoted field`, quoteHint]
        : e.code === 'INVALID_OPENING_QUOTE' || e.code === 'CSV_INVALID_OPENING_QUOTE'
          ? [`in column${column}, a quote appears inside a field that is not quoted`, quoteHint]
          : [
              e.message.replace(/^[A-Za-z ]+: /, ''),
              'A field containing the delimiter or a quote must be ' +
                'put in double quotes, with inner quotes doubled ("").',
            ];
  return new EnewsError('csv-syntax', `${location.file} is not valid CSV.`, {
    problems: [{ message, location, hint }],
  });
}

/** The file as UTF-8 text; bytes that are not UTF-8 stop the read with the line they are on. */
async function* decodeUtf8(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(file)) yield decoder.decode(chunk as Buffer, { stream: true });
    yield decoder.decode();
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const shown = file;
    const line = firstInvalidUtf8Line(file);
    throw new EnewsError(
      'csv-encoding',
      `${shown} is not UTF-8: line ${line} has bytes in another encoding (probably Latin-1 or Windows-1252).`,
      {
        problems: [{ message: SAVE_AS_UTF8, location: { file: shown, line } }],
      },
    );
  }
}

function countLineBreaks(s: string): number {
  return s.match(LINE_BREAKS)?.length ?? 0;
}
