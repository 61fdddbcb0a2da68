import { describe, expect, it } from 'vitest';
import {
  classifyNote,
  MAX_PREVIEW_BYTES,
  type NoteVerdict,
  type PaidNote,
  type PaidNoteError,
  type PaidNoteErrorCode,
} from '../../src/paywall/paid-frontmatter.js';

const note = (...lines: string[]): string => lines.join('\n');

function paid(verdict: NoteVerdict): PaidNote {
  if (verdict.status !== 'paid') throw new Error(`expected a paid note, got ${verdict.status}: ${verdict.status === 'invalid' ? verdict.error.message : ''}`);
  return verdict.note;
}

function invalid(verdict: NoteVerdict): PaidNoteError {
  if (verdict.status !== 'invalid') throw new Error(`expected an invalid note, got ${verdict.status}`);
  return verdict.error;
}

function errorCode(text: string): PaidNoteErrorCode {
  return invalid(classifyNote(text, 'Folder/Note.md')).code;
}

describe('free notes', () => {
  it('publishes a note without frontmatter in clear, unchanged', () => {
    const text = note('# Hello', '', 'Body');
    expect(classifyNote(text, 'Hello.md')).toEqual({ status: 'free', text });
  });

  it('publishes a note whose frontmatter has no price in clear', () => {
    const text = note('---', 'tags:', '  - a', 'aliases: [x, y]', '---', 'Body');
    expect(classifyNote(text, 'n.md').status).toBe('free');
  });

  it('does not treat other keys that contain "price" as a price', () => {
    expect(classifyNote(note('---', 'prices: 100', 'price_list: 5', '---', 'Body'), 'n.md').status).toBe('free');
  });

  it('ignores a preview key, however it is written, when the note has no price', () => {
    expect(classifyNote(note('---', 'preview: "x"', '---', 'Body'), 'n.md').status).toBe('free');
    expect(classifyNote(note('---', 'Preview: [a, b]', 'og:', '  preview: x', 'preview: y', '---', 'Body'), 'n.md').status).toBe('free');
  });

  it('ignores a price line in the body, below the frontmatter', () => {
    expect(classifyNote(note('# Shop', '', 'price: 2100 is what it costs'), 'n.md').status).toBe('free');
  });

  it('ignores a %% more %% line inside a fenced code block (a note documenting the syntax)', () => {
    expect(classifyNote(note('# Syntax', '```', '%% more %%', '```'), 'n.md').status).toBe('free');
  });
});

describe('paid notes', () => {
  it('reads the price in sats', () => {
    expect(paid(classifyNote(note('---', 'price: 2100', '---', '# T', 'Body'), 'n.md')).price).toBe(2100);
  });

  it('keeps the whole original note, frontmatter included, as the text to encrypt', () => {
    const text = note('\uFEFF---', 'price: 2100', 'tags: [x]', '---', '# T', 'Secret');
    expect(paid(classifyNote(text, 'n.md')).text).toBe(text);
  });

  it('accepts CRLF line endings', () => {
    expect(paid(classifyNote('---\r\nprice: 21\r\n---\r\n# T\r\n', 'n.md')).price).toBe(21);
  });

  it('accepts a trailing YAML comment after the price', () => {
    expect(paid(classifyNote(note('---', 'price: 2100 # sats', '---'), 'n.md')).price).toBe(2100);
  });

  it('accepts the largest possible price, 21 million bitcoin in sats', () => {
    expect(paid(classifyNote(note('---', 'price: 2100000000000000', '---'), 'n.md')).price).toBe(2_100_000_000_000_000);
  });

  it('takes the title from the first level-1 heading', () => {
    expect(paid(classifyNote(note('---', 'price: 1', '---', 'intro', '## Sub', '# The title #', '# Later'), 'a/b.md')).title).toBe('The title');
  });

  it('falls back to the file name for the title', () => {
    expect(paid(classifyNote(note('---', 'price: 1', '---', 'No heading', '#tag'), 'Folder/My note.md')).title).toBe('My note');
  });

  it('ignores headings inside fenced code when looking for the title', () => {
    expect(paid(classifyNote(note('---', 'price: 1', '---', '~~~', '# not it', '~~~', '# Real'), 'n.md')).title).toBe('Real');
  });

  it('shortens a huge heading at a character boundary', () => {
    const title = paid(classifyNote(note('---', 'price: 1', '---', '# ' + 'é'.repeat(2000)), 'n.md')).title;
    expect(Buffer.byteLength(title)).toBe(1024);
    expect(title).toBe('é'.repeat(512));
  });
});

describe('what a paid note makes public', () => {
  it('publishes no preview by default (default deny)', () => {
    expect(paid(classifyNote(note('---', 'price: 2100', '---', '# T', 'Everything here is paid.'), 'n.md')).preview).toBe('');
  });

  it('publishes an explicit double-quoted preview, with escapes', () => {
    const preview = paid(classifyNote(note('---', 'price: 5', 'preview: "Learn \\"X\\": the basics\\n"', '---', 'Body'), 'n.md')).preview;
    expect(preview).toBe('Learn "X": the basics\n');
  });

  it("publishes a single-quoted preview, with '' for a quote", () => {
    expect(paid(classifyNote(note('---', 'price: 5', "preview: 'It''s good' # note", '---'), 'n.md')).preview).toBe("It's good");
  });

  it('publishes a plain one-line preview', () => {
    expect(paid(classifyNote(note('---', 'price: 5', 'preview: A short teaser', '---'), 'n.md')).preview).toBe('A short teaser');
  });

  it('treats an empty preview (as the property editor leaves it) as none', () => {
    expect(paid(classifyNote(note('---', 'price: 5', 'preview:', '---', '# T'), 'n.md')).preview).toBe('');
  });

  it('publishes the text above %% more %% as the preview, and nothing below it', () => {
    const text = note('---', 'price: 5', '---', '', '# Title', 'Free intro.', '', '%% more %%', 'Paid part.');
    const parsed = paid(classifyNote(text, 'n.md'));
    expect(parsed.preview).toBe('# Title\nFree intro.');
    expect(parsed.preview).not.toContain('Paid part');
    expect(parsed.text).toBe(text);
  });

  it('accepts the marker with other spacing and case', () => {
    expect(paid(classifyNote(note('---', 'price: 5', '---', 'Intro', '  %%More%%  ', 'Paid'), 'n.md')).preview).toBe('Intro');
  });
});

describe('malformed paid markers are errors, never clear text', () => {
  it.each([
    ['a decimal price', 'price: 21.5'],
    ['a negative price', 'price: -3'],
    ['a word', 'price: abc'],
    ['an empty price', 'price:'],
    ['a zero price', 'price: 0'],
    ['a leading zero', 'price: 02100'],
    ['a quoted price', 'price: "2100"'],
    ['a unit', 'price: 2100 sats'],
    ['thousands separators', 'price: 2,100'],
    ['a block scalar', 'price: |'],
  ])('rejects %s (%s) and says how to write a price', (_what, line) => {
    const error = invalid(classifyNote(note('---', line, '---', 'Secret body'), 'n.md'));
    expect(error.code).toBe('invalid-price');
    expect(error.message).toContain('price must be a whole number of sats, like `price: 2100`');
    expect(error.line).toBe(2);
  });

  it('rejects a price above 21 million bitcoin in sats', () => {
    expect(errorCode(note('---', 'price: 2100000000000001', '---'))).toBe('price-too-high');
    expect(errorCode(note('---', 'price: 99999999999999999999', '---'))).toBe('price-too-high');
  });

  it('rejects a duplicated price, naming both lines', () => {
    const error = invalid(classifyNote(note('---', 'price: 1', 'title: x', 'price: 2', '---'), 'n.md'));
    expect(error.code).toBe('duplicate-price');
    expect(error.message).toContain('Line 4');
    expect(error.message).toContain('line 2');
  });

  it.each([
    ['a capitalized key', 'Price: 2100'],
    ['a quoted key', '"price": 2100'],
    ['a nested key', '  price: 2100'],
    ['a list item', '- price: 2100'],
    ['no space after the colon', 'price:2100'],
    ['a space before the colon', 'price : 2100'],
  ])('rejects %s (%s) rather than guess', (_what, line) => {
    expect(errorCode(note('---', 'meta:', line, '---', 'Secret'))).toBe('unreadable-key');
  });

  it('rejects a price continued on the next line', () => {
    expect(errorCode(note('---', 'price:', '  2100', '---'))).toBe('invalid-price');
  });

  it('rejects a %% more %% line in a note without a price', () => {
    const error = invalid(classifyNote(note('# T', 'Intro', '%% more %%', 'Rest'), 'n.md'));
    expect(error.code).toBe('marker-without-price');
    expect(error.line).toBe(3);
  });

  it('rejects two %% more %% lines', () => {
    expect(errorCode(note('---', 'price: 1', '---', 'a', '%% more %%', 'b', '%% more %%'))).toBe('duplicate-marker');
  });

  it('rejects a note with both a preview and a %% more %% line', () => {
    expect(errorCode(note('---', 'price: 1', 'preview: "x"', '---', 'a', '%% more %%', 'b'))).toBe('preview-and-marker');
  });

  it('rejects a duplicated preview', () => {
    expect(errorCode(note('---', 'price: 1', 'preview: a', 'preview: b', '---'))).toBe('duplicate-preview');
  });

  it.each([
    ['an unterminated quote', 'preview: "abc'],
    ['text after the closing quote', 'preview: "abc" def'],
    ['an unknown escape', 'preview: "a\\qb"'],
    ['a block scalar', 'preview: >'],
    ['a flow sequence', 'preview: [a, b]'],
    ['a colon in plain text', 'preview: Learn: the basics'],
  ])('rejects a preview with %s', (_what, line) => {
    const error = invalid(classifyNote(note('---', 'price: 1', line, '---', 'Secret'), 'n.md'));
    expect(error.code).toBe('invalid-preview');
    expect(error.message).toContain('double quotes');
  });

  it('rejects a multi-line preview', () => {
    expect(errorCode(note('---', 'price: 1', 'preview:', '  first line', '  second line', '---'))).toBe('invalid-preview');
  });

  it('rejects a preview longer than the limit', () => {
    const text = note('---', 'price: 1', '---', 'x'.repeat(MAX_PREVIEW_BYTES + 1), '%% more %%', 'paid');
    expect(errorCode(text)).toBe('preview-too-long');
  });

  it('rejects a price in frontmatter that never closes', () => {
    expect(errorCode(note('---', 'price: 2100', '# Title', 'Secret body'))).toBe('unclosed-frontmatter');
  });

  it('does not let a YAML end marker (...) hide a price below it', () => {
    expect(paid(classifyNote(note('---', 'title: x', '...', 'price: 5', '---', 'Secret'), 'n.md')).price).toBe(5);
  });

  it('rejects a price in frontmatter that does not start on the first line', () => {
    expect(errorCode(note('', '---', 'price: 2100', '---', 'Secret body'))).toBe('misplaced-price');
  });

  it('rejects a price line at the top of a note without frontmatter', () => {
    expect(errorCode(note('price: 2100', '', 'Secret body'))).toBe('misplaced-price');
  });

  it('never hands back the note text with an error', () => {
    const verdict = classifyNote(note('---', 'price: 21.5', '---', 'Secret body'), 'n.md');
    expect(JSON.stringify(verdict)).not.toContain('Secret body');
  });
});
