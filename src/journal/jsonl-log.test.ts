import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnewsError, ExitCode } from '../errors.js';
import { LogWriter, readLog, readTailOnly, type LogTail } from './jsonl-log.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(text?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-jsonl-'));
  folders.push(dir);
  const file = path.join(dir, 'log.jsonl');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

interface Rec {
  n: number;
  who: string;
}
const isRec = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Rec).n === 'number' && typeof (v as Rec).who === 'string';
const line = (r: Rec) => JSON.stringify(r) + '\n';
const OPTIONS = { what: 'the test log', onWriteFailure: 'Nothing after this record was written.' };

/** readLog with the records it accepted, in the order it saw them. */
async function scan(file: string) {
  const seen: Rec[] = [];
  const result = await readLog(
    file,
    (v) => {
      if (!isRec(v)) return false;
      seen.push(v as Rec);
      return true;
    },
    'the test log',
  );
  return { ...result, seen };
}

async function refusal(p: Promise<unknown>): Promise<EnewsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EnewsError);
  return err as EnewsError;
}

const CLEAN: LogTail = { tornBytes: 0, missingNewline: false };

describe('readLog', () => {
  it('reads every record in order and counts its lines; a file that does not exist is empty', async () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + line({ n: 2, who: 'b' }) + line({ n: 3, who: 'c' }));
    expect(await scan(file)).toEqual({
      lines: 3,
      tail: CLEAN,
      seen: [
        { n: 1, who: 'a' },
        { n: 2, who: 'b' },
        { n: 3, who: 'c' },
      ],
    });
    expect(await scan(path.join(path.dirname(file), 'none.jsonl'))).toEqual({ lines: 0, tail: CLEAN, seen: [] });
    expect(await scan(tempFile(''))).toEqual({ lines: 0, tail: CLEAN, seen: [] });
  });

  it('skips blank lines, which count as lines but are not records', async () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + '\n   \n' + line({ n: 2, who: 'b' }) + '\n');
    const r = await scan(file);
    expect(r.seen.map((x) => x.n)).toEqual([1, 2]);
    expect(r.lines).toBe(5);
    expect(r.tail).toEqual(CLEAN);
  });

  it('tolerates a torn last line and measures it in bytes (UTF-8 bytes, not characters)', async () => {
    const fragment = '{"n":3,"who":"Zoë Mar';
    const file = tempFile(line({ n: 1, who: 'a' }) + line({ n: 2, who: 'b' }) + fragment);
    const r = await scan(file);
    expect(r.seen.map((x) => x.n)).toEqual([1, 2]);
    expect(r.lines).toBe(3);
    expect(r.tail).toEqual({ tornBytes: Buffer.byteLength(fragment), missingNewline: false });
    expect(r.tail.tornBytes).toBe(fragment.length + 1);
  });

  it('measures a tear in the middle of a character by the bytes that are in the file', async () => {
    const whole = Buffer.from(line({ n: 2, who: 'Zoë' }));
    // Cut between the two bytes of ë: the file ends in half a character.
    const cut = whole.subarray(0, whole.indexOf(Buffer.from('ë')) + 1);
    const file = tempFile();
    writeFileSync(file, Buffer.concat([Buffer.from(line({ n: 1, who: 'a' })), cut]));
    expect((await scan(file)).tail).toEqual({ tornBytes: cut.length, missingNewline: false });
  });

  it('measures a torn line longer than one read of the file (64 KiB) whole', async () => {
    const fragment = `{"n":2,"who":"${'ë'.repeat(40_000)}`;
    const file = tempFile(line({ n: 1, who: 'a' }) + fragment);
    expect((await scan(file)).tail).toEqual({ tornBytes: Buffer.byteLength(fragment), missingNewline: false });
    const w = LogWriter.open(file, (await scan(file)).tail, OPTIONS);
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe(line({ n: 1, who: 'a' }));
  });

  it('takes a last record without its final newline as a record, and says the newline is missing', async () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + JSON.stringify({ n: 2, who: 'b' }));
    const r = await scan(file);
    expect(r.seen.map((x) => x.n)).toEqual([1, 2]);
    expect(r.tail).toEqual({ tornBytes: 0, missingNewline: true });
  });

  it('refuses damage before the last line with its line number, even when the damage is the last record', async () => {
    const middle = tempFile(line({ n: 1, who: 'a' }) + '{"n":2,"who"\n' + line({ n: 3, who: 'c' }));
    const err = await refusal(scan(middle));
    expect(err.code).toBe('log-damaged');
    expect(err.exitCode).toBe(ExitCode.badInput);
    expect(err.message).toBe(`${middle} is damaged at line 2: it is not a record of the test log.`);
    expect(err.problems[0]!.location).toEqual({ file: middle, line: 2 });

    // Valid JSON that is not a record is damage too; so is a bad last line that has its newline (not a tear).
    const notARecord = tempFile(line({ n: 1, who: 'a' }) + '{"other":true}\n' + line({ n: 3, who: 'c' }));
    expect((await refusal(scan(notARecord))).problems[0]!.location).toEqual({ file: notARecord, line: 2 });
    const lastWithNewline = tempFile(line({ n: 1, who: 'a' }) + '{"n":2,\n');
    expect((await refusal(scan(lastWithNewline))).problems[0]!.location).toEqual({ file: lastWithNewline, line: 2 });
  });

  it('refuses a bad line followed by a blank line: the bad line is not the last', async () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + '{"n":2,\n\n');
    expect((await refusal(scan(file))).problems[0]!.location).toEqual({ file, line: 2 });
  });

  it('refuses a folder where the file should be', async () => {
    const dir = path.dirname(tempFile());
    const err = await refusal(scan(dir));
    expect(err.code).toBe('log-not-file');
    expect(err.message).toBe(`${dir} is not a regular file; the test log must be a file.`);
  });
});

describe('readTailOnly', () => {
  it('agrees with readLog about the end of the file, reading only the end', async () => {
    const fragment = '{"n":2,"who":"Zo';
    const cases = [
      line({ n: 1, who: 'a' }),
      line({ n: 1, who: 'a' }) + fragment,
      line({ n: 1, who: 'a' }) + JSON.stringify({ n: 2, who: 'b' }),
      JSON.stringify({ n: 1, who: 'a' }),
      fragment,
      '',
    ];
    const tails = cases.map((text) => readTailOnly(tempFile(text), isRec));
    expect(tails).toEqual([
      CLEAN,
      { tornBytes: fragment.length, missingNewline: false },
      { tornBytes: 0, missingNewline: true },
      { tornBytes: 0, missingNewline: true },
      { tornBytes: fragment.length, missingNewline: false },
      CLEAN,
    ]);
    for (const [i, text] of cases.entries()) expect((await scan(tempFile(text))).tail, `case ${i}`).toEqual(tails[i]);
    expect(readTailOnly(path.join(os.tmpdir(), 'enews-no-such-log.jsonl'), isRec)).toEqual(CLEAN);
  });

  it('does not look at damage before the last line: that is for the readers', () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + 'garbage\n' + line({ n: 3, who: 'c' }));
    expect(readTailOnly(file, isRec)).toEqual(CLEAN);
  });
});

describe('LogWriter', () => {
  it('appends one line per record; close flushes it to disk', async () => {
    const file = path.join(path.dirname(tempFile()), 'sub', 'dir', 'log.jsonl');
    const w = LogWriter.open(file, CLEAN, OPTIONS);
    expect(w.file).toBe(file);
    w.append({ n: 1, who: 'a' });
    w.appendDurable({ n: 2, who: 'b' });
    w.append({ n: 3, who: 'c' });
    // Each record reaches the file at once, before any fsync.
    expect(readFileSync(file, 'utf8')).toBe(
      line({ n: 1, who: 'a' }) + line({ n: 2, who: 'b' }) + line({ n: 3, who: 'c' }),
    );
    await w.close();
    await w.close(); // a second close does nothing
    expect((await scan(file)).seen.map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('group-commits in the background after groupSize records without losing any', async () => {
    const file = tempFile();
    const w = LogWriter.open(file, CLEAN, { ...OPTIONS, groupSize: 2, groupMs: 5 });
    for (let n = 1; n <= 7; n++) w.append({ n, who: 'x' });
    await new Promise((r) => setTimeout(r, 20));
    w.append({ n: 8, who: 'x' });
    await w.close();
    expect((await scan(file)).seen.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('cuts a torn tail off when it opens, so the next record starts on a line of its own', async () => {
    const before = line({ n: 1, who: 'a' }) + line({ n: 2, who: 'Zoë' });
    const file = tempFile(before + '{"n":3,"who":"Zo');
    const { tail } = await scan(file);
    const w = LogWriter.open(file, tail, OPTIONS);
    // The fragment is gone from the file itself, before anything new is written.
    expect(readFileSync(file, 'utf8')).toBe(before);
    w.append({ n: 4, who: 'd' });
    await w.close();
    expect(readFileSync(file, 'utf8')).toBe(before + line({ n: 4, who: 'd' }));
  });

  it('cuts off a tear in the middle of a character and nothing of the record before it', async () => {
    const before = Buffer.from(line({ n: 1, who: 'Zoë' }));
    const whole = Buffer.from(line({ n: 2, who: 'Zoë' }));
    const file = tempFile();
    writeFileSync(file, Buffer.concat([before, whole.subarray(0, whole.indexOf(Buffer.from('ë')) + 1)]));
    const w = LogWriter.open(file, (await scan(file)).tail, OPTIONS);
    expect(readFileSync(file)).toEqual(before);
    w.append({ n: 3, who: 'c' });
    await w.close();
    expect((await scan(file)).seen.map((r) => r.n)).toEqual([1, 3]);
  });

  it('gives a last record without its newline the newline before appending', async () => {
    const file = tempFile(line({ n: 1, who: 'a' }) + JSON.stringify({ n: 2, who: 'b' }));
    const w = LogWriter.open(file, readTailOnly(file, isRec), OPTIONS);
    expect(readFileSync(file, 'utf8')).toBe(line({ n: 1, who: 'a' }) + line({ n: 2, who: 'b' }));
    w.appendDurable({ n: 3, who: 'c' });
    await w.close();
    expect((await scan(file)).seen.map((r) => r.n)).toEqual([1, 2, 3]);
  });

  it('repairs two tears in a row, each before its own appends, losing only the fragments', async () => {
    const file = tempFile();
    let w = LogWriter.open(file, CLEAN, OPTIONS);
    w.append({ n: 1, who: 'a' });
    await w.close();
    for (const [torn, next] of [
      ['{"n":2,"who":"cut', 3],
      ['{"n":4,', 5],
    ] as const) {
      writeFileSync(file, readFileSync(file, 'utf8') + torn);
      const { tail } = await scan(file);
      expect(tail).toEqual({ tornBytes: torn.length, missingNewline: false });
      w = LogWriter.open(file, tail, OPTIONS);
      w.append({ n: next, who: 'ok' });
      await w.close();
    }
    const r = await scan(file);
    expect(r.seen).toEqual([
      { n: 1, who: 'a' },
      { n: 3, who: 'ok' },
      { n: 5, who: 'ok' },
    ]);
    expect(r.tail).toEqual(CLEAN);
    expect(r.lines).toBe(3);
  });

  it('creates the file readable by its owner only', async () => {
    const file = path.join(path.dirname(tempFile()), 'new.jsonl');
    const w = LogWriter.open(file, CLEAN, OPTIONS);
    await w.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('on a full disk, appendDurable fails with "the disk is full" (exit 4), as does every later append', async () => {
    const w = LogWriter.open('/dev/full', CLEAN, OPTIONS);
    let err: unknown;
    try {
      w.appendDurable({ n: 1, who: 'a' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnewsError);
    const e = err as EnewsError;
    expect(e.code).toBe('log-write');
    expect(e.exitCode).toBe(ExitCode.stopped);
    expect(e.message).toBe(
      'Cannot write the test log /dev/full: the disk is full. Nothing after this record was written.',
    );
    expect(() => w.append({ n: 2, who: 'b' })).toThrow(e);
    expect(() => w.appendDurable({ n: 3, who: 'c' })).toThrow(e);
    expect(await refusal(w.close())).toBe(e);
  });

  it('on a full disk, a plain append fails at once too', () => {
    const w = LogWriter.open('/dev/full', CLEAN, OPTIONS);
    expect(() => w.append({ n: 1, who: 'a' })).toThrow(
      expect.objectContaining({ code: 'log-write', exitCode: ExitCode.stopped }),
    );
  });

  it('that cannot open its file fails with an EnewsError (exit 4) naming the file', () => {
    const dir = path.dirname(tempFile());
    const folder = path.join(dir, 'a-folder');
    mkdirSync(folder);
    expect(() => LogWriter.open(folder, CLEAN, OPTIONS)).toThrow(
      expect.objectContaining({
        code: 'log-write',
        exitCode: ExitCode.stopped,
        message: `Cannot write the test log ${folder}: EISDIR. Nothing after this record was written.`,
      }),
    );
    // A file where its folder should be: the folder cannot be made.
    writeFileSync(path.join(dir, 'plain'), 'x');
    expect(() => LogWriter.open(path.join(dir, 'plain', 'log.jsonl'), CLEAN, OPTIONS)).toThrow(
      expect.objectContaining({ code: 'log-write', exitCode: ExitCode.stopped }),
    );
  });
});
