// Whether a Markdown note is for sale, and which of its parts may be published in clear.
//
// Default deny: a paid note publishes its title and price, plus a preview only when the author asked for
// one (`preview:` in the frontmatter, or the text above a `%% more %%` line). Everything else, including
// the frontmatter itself, is encrypted. When the paid markers are malformed the note is neither free nor
// paid: it is an error the author must fix, because guessing wrong would publish paid text in clear.
//
// The frontmatter reader is deliberately tiny (no YAML library): it only needs `price` and `preview`, both
// one-line `key: value` pairs. Any spelling of those keys it cannot read exactly is an error.

/** The highest price a note may ask: every bitcoin there will ever be, in sats. */
export const MAX_PRICE_SATS = 21_000_000 * 100_000_000;
/** Longest public preview, in UTF-8 bytes; more is probably a misplaced `%% more %%`. */
export const MAX_PREVIEW_BYTES = 16 * 1024;
/** Longest public title, in UTF-8 bytes; longer headings are shortened. */
export const MAX_TITLE_BYTES = 1024;

/** What is wrong with a note's paid markers; `code` lets callers react without parsing the message. */
export type PaidNoteErrorCode =
  | 'invalid-price'
  | 'price-too-high'
  | 'duplicate-price'
  | 'misplaced-price'
  | 'unreadable-key'
  | 'invalid-preview'
  | 'duplicate-preview'
  | 'preview-too-long'
  | 'preview-and-marker'
  | 'marker-without-price'
  | 'duplicate-marker'
  | 'unclosed-frontmatter';

/** A paid note the author must fix before it can be published; it is never published in clear. */
export class PaidNoteError extends Error {
  override readonly name = 'PaidNoteError';
  /** `line` is 1-based, in the note as the author sees it, or null when no single line is at fault. */
  constructor(readonly code: PaidNoteErrorCode, message: string, readonly line: number | null = null) {
    super(line === null ? message : `Line ${line}: ${message}`);
  }
}

/** The parts of a paid note: the public title, price and preview, and the full text to encrypt. */
export interface PaidNote {
  title: string;
  price: number;
  /** Public teaser, possibly empty (default deny). */
  preview: string;
  /** The whole original note, exactly as written; this is what buyers get. */
  text: string;
}

/** Whether a note may be published in clear, must be sealed, or must not be published at all. */
export type NoteVerdict =
  | { status: 'free'; text: string }
  | { status: 'paid'; note: PaidNote }
  | { status: 'invalid'; error: PaidNoteError };

const PRICE_FIX = 'price must be a whole number of sats, like `price: 2100`.';
const PREVIEW_FIX = 'write the preview on one line, in double quotes, like `preview: "What this note explains"`.';

// Any line that looks like it sets `price` or `preview`, however indented, quoted, cased or spaced.
const KEY_MENTION = /^\s*(?:-\s+)?["']?(price|preview)["']?\s*:/i;
// The one accepted spelling: a top-level, lower-case, unquoted key, a colon, then a space or the line end.
const KEY_LINE = /^(price|preview):(?:[ \t]+(.*))?$/;
const MARKER = /^\s*%%\s*more\s*%%\s*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;

/** Reads a note's paid markers. `path` is its path in the knowledge base (for the fallback title). */
export function classifyNote(text: string, path: string): NoteVerdict {
  try {
    const note = readPaidNote(text, path);
    return note === null ? { status: 'free', text } : { status: 'paid', note };
  } catch (err) {
    if (err instanceof PaidNoteError) return { status: 'invalid', error: err };
    throw err;
  }
}

interface Frontmatter {
  /** Lines between the `---` fences, with the 0-based index of the first one in the note. */
  lines: string[];
  firstLine: number;
  /** Index of the first body line. */
  bodyStart: number;
}

function readPaidNote(text: string, path: string): PaidNote | null {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const frontmatter = findFrontmatter(lines);
  const { price, preview } = frontmatter === null ? { price: null, preview: null } : readKeys(frontmatter);
  const body = scanBody(lines, frontmatter?.bodyStart ?? 0);

  if (price === null) {
    if (body.marker !== null) {
      throw new PaidNoteError(
        'marker-without-price',
        '`%% more %%` marks where a paid note\'s free preview ends, but this note has no price. ' +
          'Add `price: 2100` (in sats) to its frontmatter, or remove the `%% more %%` line.',
        body.marker + 1,
      );
    }
    return null;
  }
  if (preview !== null && body.marker !== null) {
    throw new PaidNoteError(
      'preview-and-marker',
      'this note has both a `preview:` and a `%% more %%` line. Keep one of them, so it is clear what is public.',
      body.marker + 1,
    );
  }
  const publicPreview = preview ?? (body.marker === null ? '' : trimBlankLines(lines.slice(frontmatter?.bodyStart ?? 0, body.marker)));
  if (Buffer.byteLength(publicPreview) > MAX_PREVIEW_BYTES) {
    throw new PaidNoteError(
      'preview-too-long',
      `the free preview is longer than ${MAX_PREVIEW_BYTES / 1024} KiB. Shorten it, or move \`%% more %%\` higher up.`,
      body.marker === null ? null : body.marker + 1,
    );
  }
  return { title: clampTitle(body.heading ?? fileTitle(path)), price, preview: publicPreview, text };
}

function findFrontmatter(lines: string[]): Frontmatter | null {
  if (lines[0].trimEnd() === '---') {
    // Only `---` closes it: accepting YAML's `...` too could end it early and leave a price in the "body".
    const close = lines.findIndex((line, i) => i > 0 && line.trimEnd() === '---');
    if (close > 0) return { lines: lines.slice(1, close), firstLine: 1, bodyStart: close + 1 };
    const mention = lines.findIndex((line) => KEY_MENTION.test(line));
    if (mention >= 0) {
      throw new PaidNoteError(
        'unclosed-frontmatter',
        'the frontmatter that sets the price never ends. Add a line with only `---` after the last property.',
        mention + 1,
      );
    }
    return null;
  }
  // Not frontmatter to Obsidian, but clearly meant as a paid marker: refuse rather than publish in clear.
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return null;
  const end = lines[first].trimEnd() === '---' ? lines.findIndex((line, i) => i > first && line.trimEnd() === '---') : first + 1;
  const block = lines.slice(first, end < 0 ? lines.length : end);
  const mention = block.findIndex((line) => KEY_MENTION.test(line));
  if (mention >= 0) {
    throw new PaidNoteError(
      'misplaced-price',
      'the price must be in the frontmatter, which starts with `---` on the very first line of the note and ends ' +
        'with another `---` line.',
      first + mention + 1,
    );
  }
  return null;
}

// Price problems are errors in any note. Preview problems only matter once the note has a price: other
// plugins use a `preview` property too, and a free note publishes everything anyway.
function readKeys(frontmatter: Frontmatter): { price: number | null; preview: string | null } {
  const found: { price: number | null; preview: string | null; priceLine: number; previewLine: number } = {
    price: null,
    preview: null,
    priceLine: -1,
    previewLine: -1,
  };
  let previewError: PaidNoteError | null = null;
  const { lines, firstLine } = frontmatter;
  for (const [i, line] of lines.entries()) {
    const mention = KEY_MENTION.exec(line);
    if (mention === null) continue;
    try {
      readKeyLine(lines, i, firstLine + i + 1, found);
    } catch (err) {
      if (!(err instanceof PaidNoteError) || mention[1].toLowerCase() === 'price') throw err;
      previewError ??= err;
    }
  }
  if (found.price !== null && previewError !== null) throw previewError;
  return { price: found.price, preview: previewError === null ? found.preview : null };
}

function readKeyLine(
  lines: string[],
  i: number,
  lineNumber: number,
  found: { price: number | null; preview: string | null; priceLine: number; previewLine: number },
): void {
  const match = KEY_LINE.exec(lines[i].trimEnd());
  if (match === null) {
    throw new PaidNoteError(
      'unreadable-key',
      'write the key in lower case at the start of the line, followed by a colon and a space, like ' +
        '`price: 2100` or `preview: "A short teaser"` (not nested, quoted or in a list).',
      lineNumber,
    );
  }
  const [, key, raw = ''] = match;
  if (continues(lines, i)) {
    throw new PaidNoteError(key === 'price' ? 'invalid-price' : 'invalid-preview', key === 'price' ? PRICE_FIX : PREVIEW_FIX, lineNumber);
  }
  if (key === 'price') {
    if (found.priceLine >= 0) {
      throw new PaidNoteError('duplicate-price', `the price is set twice (also on line ${found.priceLine}). Keep one \`price:\` line.`, lineNumber);
    }
    found.priceLine = lineNumber;
    found.price = parsePrice(raw, lineNumber);
  } else {
    if (found.previewLine >= 0) {
      throw new PaidNoteError('duplicate-preview', `the preview is set twice (also on line ${found.previewLine}). Keep one \`preview:\` line.`, lineNumber);
    }
    found.previewLine = lineNumber;
    const text = parsePreview(raw, lineNumber);
    // An empty preview (as Obsidian's property editor leaves it) means none.
    found.preview = text === '' ? null : text;
  }
}

// YAML continues a value on following lines that are indented more than its key; neither key allows that.
function continues(lines: string[], i: number): boolean {
  const next = lines.slice(i + 1).find((line) => line.trim() !== '');
  return next !== undefined && /^\s/.test(next);
}

function parsePrice(raw: string, line: number): number {
  const value = withoutComment(raw).trim();
  if (!/^[1-9][0-9]*$/.test(value)) {
    const hint = value === '' ? 'the price is empty: ' : /^0+$/.test(value) ? 'a paid note needs a price above zero: ' : '';
    throw new PaidNoteError('invalid-price', hint + PRICE_FIX, line);
  }
  if (value.length > 16 || Number(value) > MAX_PRICE_SATS) {
    throw new PaidNoteError(
      'price-too-high',
      `${value} sats is more than all the bitcoin there will ever be. The price is in sats: 2100 means 2,100 sats.`,
      line,
    );
  }
  return Number(value);
}

function parsePreview(raw: string, line: number): string {
  const value = raw.trim();
  if (value.startsWith('"')) return doubleQuoted(value, line);
  if (value.startsWith("'")) return singleQuoted(value, line);
  const plain = withoutComment(value).trim();
  // A plain YAML scalar may not start with an indicator, nor contain `: `; quoted text has no such traps.
  if (/^[[\]{}|>&*!%@`,?-]/.test(plain) || plain.includes(': ')) throw new PaidNoteError('invalid-preview', PREVIEW_FIX, line);
  return plain;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t' };

function doubleQuoted(value: string, line: number): string {
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const ch = value[i];
    if (ch === '"') {
      if (withoutComment(value.slice(i + 1)).trim() !== '') break;
      return out;
    }
    if (ch === '\\') {
      const escaped = ESCAPES[value[i + 1]];
      if (escaped === undefined) break;
      out += escaped;
      i++;
    } else {
      out += ch;
    }
  }
  throw new PaidNoteError('invalid-preview', PREVIEW_FIX, line);
}

function singleQuoted(value: string, line: number): string {
  let out = '';
  for (let i = 1; i < value.length; i++) {
    if (value[i] !== "'") {
      out += value[i];
    } else if (value[i + 1] === "'") {
      out += "'";
      i++;
    } else {
      if (withoutComment(value.slice(i + 1)).trim() !== '') break;
      return out;
    }
  }
  throw new PaidNoteError('invalid-preview', PREVIEW_FIX, line);
}

// In YAML a `#` starts a comment only at the start of a value or after whitespace.
function withoutComment(value: string): string {
  const at = value.search(/(?:^|\s)#/);
  return at < 0 ? value : value.slice(0, at);
}

/** The first level-1 heading and the first `%% more %%` line of the body, ignoring fenced code. */
function scanBody(lines: string[], start: number): { heading: string | null; marker: number | null } {
  let heading: string | null = null;
  let marker: number | null = null;
  let fence: string | null = null;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i];
    const open = FENCE.exec(line);
    if (fence !== null) {
      if (open !== null && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1]) fence = null;
      continue;
    }
    if (open !== null) {
      fence = open[1];
      continue;
    }
    if (MARKER.test(line)) {
      if (marker !== null) {
        throw new PaidNoteError(
          'duplicate-marker',
          `\`%% more %%\` appears twice (first on line ${marker + 1}). Keep only the one where the free preview ends.`,
          i + 1,
        );
      }
      marker = i;
      continue;
    }
    if (heading === null) {
      const match = HEADING.exec(line);
      if (match !== null && match[1] !== '') heading = match[1];
    }
  }
  return { heading, marker };
}

function trimBlankLines(lines: string[]): string {
  let from = 0;
  let to = lines.length;
  while (from < to && lines[from].trim() === '') from++;
  while (to > from && lines[to - 1].trim() === '') to--;
  return lines.slice(from, to).join('\n');
}

function fileTitle(path: string): string {
  return path.split('/').pop()!.replace(/\.md$/i, '');
}

// Shorten at a code point boundary, so the title stays valid UTF-8 within the envelope's bound.
function clampTitle(title: string): string {
  let out = '';
  let bytes = 0;
  for (const ch of title) {
    bytes += Buffer.byteLength(ch);
    if (bytes > MAX_TITLE_BYTES) return out;
    out += ch;
  }
  return out;
}
