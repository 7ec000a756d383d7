/**
 * The one way to read a subscriber file: open it (header, delimiter, column
 * roles), then stream its rows, each either a valid subscriber or a problem
 * with its line. Planning, test sends and the preview's picker all read
 * through here, so a row means the same thing everywhere.
 */
import { readCsvRows, sniffHeader, type CsvHeader } from './csv-rows.js';
import { mapColumns, parseRow, type ColumnMap, type RowResult } from './subscriber.js';

export interface SubscriberFile {
  file: string;
  header: CsvHeader;
  columns: ColumnMap;
}

export function openSubscriberFile(file: string): SubscriberFile {
  const header = sniffHeader(file);
  return { file, header, columns: mapColumns(header, file) };
}

/** Every data row in file order, validated. */
export async function* readSubscribers(src: SubscriberFile): AsyncGenerator<RowResult> {
  for await (const row of readCsvRows(src.file, src.header)) yield parseRow(row, src.columns, src.file);
}
