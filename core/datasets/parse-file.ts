/**
 * Dataset files to rows. Formats:
 *
 *  - jsonl: one JSON object per line (blank lines skipped);
 *  - json: a JSON array of objects;
 *  - sharegpt: a JSON array of { conversations: [{ from: 'human' | 'gpt' | 'system', value }] }
 *    (detected in a .json file by its first item);
 *  - csv: RFC 4180 (a header row, quoted fields with "" escapes and line breaks).
 *
 * Every problem names the file and the 1-based line (item number for JSON
 * arrays, with the line when it can be told), as LL_ERR_INPUT_FILE.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ErrorCode, LlmloadError, type LlmloadErrorOptions } from '../errors.js';
import { resolveInputPath, triedSuffix, type InputPath } from './input-path.js';

export type DatasetFormat = 'jsonl' | 'json' | 'sharegpt' | 'csv';

/** One row of a file, with where it came from. */
export interface FileRow {
  /** 1-based line where the row starts (JSONL, CSV) or null (JSON arrays). */
  line: number | null;
  /** 0-based position among the rows. */
  position: number;
  data: Record<string, unknown>;
}

/** An LL_ERR_INPUT_FILE naming the file and the 1-based line (or another place, e.g. " item [3]"). */
export function inputFileError(file: string, line: number | string | null, problem: string): LlmloadError {
  const options: LlmloadErrorOptions = {};
  if (typeof line === 'number') options.location = { file, line, column: 1 };
  const at = typeof line === 'number' ? `:${line}` : (line ?? '');
  return new LlmloadError(ErrorCode.INPUT_FILE, `${file}${at}: ${problem}`, options);
}

/** The format of a file: given, or from its extension (.json detects ShareGPT). */
export function formatOf(path: string, given: DatasetFormat | undefined): DatasetFormat | 'json-or-sharegpt' {
  if (given !== undefined) return given;
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return 'json-or-sharegpt';
}

/**
 * Read and parse a dataset file. `path` names the file in messages (as the script gave it);
 * `input` says where it is read from. Throws LL_ERR_INPUT_FILE.
 */
export function readRows(path: string, given: DatasetFormat | undefined, input: InputPath = resolveInputPath(path, process.cwd())): { format: DatasetFormat; rows: FileRow[] } {
  let text: string;
  try {
    text = readFileSync(input.path, 'utf8');
  } catch (error) {
    const cause = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file${triedSuffix(input)}` : (error as Error).message;
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: cannot read the dataset file: ${cause}`, { cause: error });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format = formatOf(path, given);
  switch (format) {
    case 'jsonl':
      return { format, rows: parseJsonl(path, text) };
    case 'csv':
      return { format, rows: parseCsv(path, text) };
    default: {
      const rows = parseJsonArray(path, text);
      const first = rows[0]?.data;
      const sharegpt = format === 'sharegpt' || (format === 'json-or-sharegpt' && first !== undefined && Array.isArray(first['conversations']));
      return { format: sharegpt ? 'sharegpt' : 'json', rows };
    }
  }
}

export function parseJsonl(file: string, text: string): FileRow[] {
  const rows: FileRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw inputFileError(file, i + 1, `not valid JSON (${(error as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw inputFileError(file, i + 1, `expected a JSON object per line, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
    }
    rows.push({ line: i + 1, position: rows.length, data: value as Record<string, unknown> });
  }
  return rows;
}

export function parseJsonArray(file: string, text: string): FileRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    throw inputFileError(file, position === null ? null : lineOf(text, Number(position[1])), `not valid JSON (${message})`);
  }
  if (!Array.isArray(value)) throw inputFileError(file, null, 'expected a JSON array of objects');
  return value.map((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw inputFileError(file, ` item [${i}]`, `expected an object, got ${JSON.stringify(item)?.slice(0, 60)}`);
    }
    return { line: null, position: i, data: item as Record<string, unknown> };
  });
}

/** 1-based line of a character offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < Math.min(offset, text.length); i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** RFC 4180 CSV with a header row; every row becomes { header: value }. */
export function parseCsv(file: string, text: string): FileRow[] {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw inputFileError(file, line, 'a quoted field must be followed by a comma or the end of the line');
        }
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      i++;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) throw inputFileError(file, quoteLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0) endRecord();
  const header = records.shift();
  if (header === undefined) throw inputFileError(file, null, 'the file is empty (expected a header row)');
  return records.map((record, position) => {
    if (record.fields.length !== header.fields.length) {
      throw inputFileError(file, record.line, `expected ${header.fields.length} fields like the header, got ${record.fields.length}`);
    }
    const data: Record<string, unknown> = {};
    header.fields.forEach((name, k) => (data[name.trim()] = record.fields[k]));
    return { line: record.line, position, data };
  });
}
