import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkPath,
  collisionKey,
  DEFAULT_PATH_LIMITS,
  folderNameFor,
  PathEscapeError,
  type PathRejectionReason,
  resolveCollisions,
  safeJoin,
  screenPaths,
} from '../../src/mount/path-policy.js';
import { judgePath } from './path-oracle.js';
import { seededRandom, testSeed } from '../support/temp.js';

function reasonFor(p: string, limits = {}): PathRejectionReason | 'accepted' {
  const verdict = checkPath(p, limits);
  return verdict.ok ? 'accepted' : verdict.reason;
}

describe('checkPath accepts', () => {
  it('an ordinary note in nested folders, unchanged', () => {
    expect(checkPath('Projects/2024/Plan.md')).toEqual({ ok: true, path: 'Projects/2024/Plan.md' });
  });

  it('returns a decomposed (NFD) name in NFC, the form that is written', () => {
    expect(checkPath('Cafe\u0301/Re\u0301sume\u0301.md')).toEqual({ ok: true, path: 'Caf\u00e9/R\u00e9sum\u00e9.md' });
  });

  it('names in other scripts, emoji sequences and Persian words with a zero-width non-joiner', () => {
    for (const p of ['日本語/ノート.md', 'Ελληνικά.md', '👩\u200d💻 notes.md', 'می\u200cخواهم.md']) {
      expect(reasonFor(p), p).toBe('accepted');
    }
  });

  it('dots, spaces and an ellipsis inside a name', () => {
    for (const p of ['v1.2 notes.md', 'a.b.c', 'Wait\u2026 what.md', ' leading space.md']) expect(reasonFor(p), p).toBe('accepted');
  });

  it('names at exactly the default caps', () => {
    const name = 'é'.repeat(127) + 'a'; // 255 bytes
    expect(reasonFor(name)).toBe('accepted');
    expect(reasonFor(Array.from({ length: DEFAULT_PATH_LIMITS.maxDepth }, () => 'a').join('/'))).toBe('accepted');
    expect(reasonFor(Array.from({ length: 4 }, () => 'x'.repeat(255)).join('/'))).toBe('accepted'); // 1023 bytes
  });
});

describe('checkPath rejects', () => {
  it('a path that climbs out of the mount with ..', () => {
    for (const p of ['../x.md', 'a/../../x.md', 'a/..', '..']) expect(reasonFor(p), p).toBe('traversal');
  });

  it('absolute paths, drive letters, UNC shares and device paths', () => {
    expect(reasonFor('/etc/passwd')).toBe('absolute');
    expect(reasonFor('C:/Windows/x')).toBe('drive');
    expect(reasonFor('c:x')).toBe('drive');
    expect(reasonFor('\\\\server\\share\\x')).toBe('unc');
    expect(reasonFor('//server/share/x')).toBe('unc');
    expect(reasonFor('\\\\?\\C:\\x')).toBe('device');
    expect(reasonFor('\\\\.\\PhysicalDrive0')).toBe('device');
    expect(reasonFor('//?/C:/x')).toBe('device');
  });

  it('backslashes, which Windows reads as separators', () => {
    expect(reasonFor('a\\..\\..\\x')).toBe('backslash');
  });

  it('empty paths and empty names', () => {
    expect(reasonFor('')).toBe('empty');
    expect(reasonFor('a//b')).toBe('empty-segment');
    expect(reasonFor('a/')).toBe('empty-segment');
  });

  it('names starting with a dot, which covers the config folder, .trash and .git in any case', () => {
    for (const p of ['.obsidian/plugins/x/main.js', '.OBSIDIAN/app.json', 'a/.trash/x.md', '.git/config', '.', 'a/./b', '.hidden.md']) {
      expect(reasonFor(p), p).toBe('dot-segment');
    }
  });

  it('ASCII and C1 control characters', () => {
    for (const c of ['\u0000', '\n', '\r', '\t', '\u001b', '\u007f', '\u0085', '\u009b']) expect(reasonFor(`a${c}b.md`)).toBe('control-char');
  });

  it('bidirectional controls that can disguise a name', () => {
    for (const c of ['\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c']) expect(reasonFor(`invoice${c}dm.exe`)).toBe('bidi-char');
  });

  it('lone surrogates', () => {
    expect(reasonFor('a\ud800.md')).toBe('invalid-unicode');
    expect(reasonFor('a\udfff.md')).toBe('invalid-unicode');
  });

  it('Windows device names, with extensions, trailing spaces and superscript digits', () => {
    for (const p of ['CON', 'con.txt', 'a/Nul.md', 'AUX', 'prn.tar.gz', 'COM1', 'com9.md', 'LPT1', 'COM\u00b9', 'LPT\u00b3.txt', 'con .md', 'CONIN$']) {
      expect(reasonFor(p), p).toBe('reserved-name');
    }
    expect(reasonFor('console.md')).toBe('accepted');
    expect(reasonFor('COM10')).toBe('accepted');
  });

  it('names ending in a dot or a space, which Windows drops', () => {
    for (const p of ['a.', 'notes /x.md', 'x.md ', 'a\u00a0']) expect(reasonFor(p), p).toBe('trailing-dot-or-space');
  });

  it('characters Windows does not allow in names', () => {
    for (const c of ['<', '>', ':', '"', '|', '?', '*']) expect(reasonFor(`a/b${c}c.md`), c).toBe('invalid-char');
  });

  it('Windows short (8.3) names that can alias a dot folder', () => {
    for (const p of ['GIT~1/config', 'OBSIDI~1/app.json', 'a/TRASH~1']) expect(reasonFor(p), p).toBe('short-name');
    expect(reasonFor('draft~final.md')).toBe('accepted');
  });

  it('names, paths and depths over the caps', () => {
    expect(reasonFor('x'.repeat(256))).toBe('too-long');
    expect(reasonFor('é'.repeat(128))).toBe('too-long'); // 256 bytes in 128 characters
    expect(reasonFor(Array.from({ length: 5 }, () => 'x'.repeat(205)).join('/'))).toBe('too-long'); // 1029 bytes
    expect(reasonFor(Array.from({ length: 33 }, () => 'a').join('/'))).toBe('too-deep');
  });

  it('uses the caps it is given', () => {
    expect(reasonFor('abcdef', { maxSegmentBytes: 5 })).toBe('too-long');
    expect(reasonFor('a/b/c', { maxDepth: 2 })).toBe('too-deep');
    expect(reasonFor('ab/cd', { maxPathBytes: 4 })).toBe('too-long');
  });
});

describe('checkPath folds look-alike Unicode before judging', () => {
  it('rejects a fullwidth dot before obsidian as a dot name', () => {
    expect(reasonFor('\uff0eobsidian/plugins/x/main.js')).toBe('dot-segment');
  });

  it('rejects fullwidth dots and dot leaders that read as ..', () => {
    expect(reasonFor('\uff0e\uff0e/x.md')).toBe('traversal');
    expect(reasonFor('a/\u2025/x.md')).toBe('traversal');
    expect(reasonFor('\u2024\u2024/x.md')).toBe('traversal');
    expect(reasonFor('a/\u2024')).toBe('dot-segment');
  });

  it('rejects compatibility characters that become a slash, a backslash or a colon where it matters', () => {
    expect(reasonFor('\uff0fetc/passwd')).toBe('absolute');
    expect(reasonFor('a\uff3cb')).toBe('backslash');
    expect(reasonFor('a/b\ufe55c')).toBe('invalid-char');
    expect(reasonFor('c\uff1a/x')).toBe('drive');
  });

  it('rejects a dot name hidden behind an ignorable character, which HFS+ skips', () => {
    expect(reasonFor('\u200c.obsidian/x')).toBe('dot-segment');
    expect(reasonFor('.\u200cgit/config')).toBe('dot-segment');
  });

  it('rejects device names spelled with fullwidth letters or digits', () => {
    expect(reasonFor('\uff23\uff2f\uff2e.md')).toBe('reserved-name');
    expect(reasonFor('com\uff11')).toBe('reserved-name');
  });

  it('says in the message that folding revealed the problem', () => {
    const verdict = checkPath('\uff0eobsidian/x');
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toMatch(/look-alike Unicode/u);
  });
});

describe('rejection messages', () => {
  it('name the path and the reason in plain words', () => {
    const verdict = checkPath('a/../../x.md');
    expect(verdict).toMatchObject({ ok: false, path: 'a/../../x.md', reason: 'traversal' });
    if (!verdict.ok) expect(verdict.message).toBe('"a/../../x.md" was not written: it climbs out of the mount with "..".');
  });

  it('spell out invisible characters instead of printing them', () => {
    const verdict = checkPath('invoice\u202egpj.exe');
    if (verdict.ok) throw new Error('expected a rejection');
    expect(verdict.message).toContain('\\u{202E}');
    expect(verdict.message).not.toContain('\u202e');
  });
});

describe('collisionKey', () => {
  it('is the same for names a case-insensitive or normalizing file system treats as one', () => {
    expect(collisionKey('Notes/Plan.md')).toBe(collisionKey('notes/PLAN.MD'));
    expect(collisionKey('Caf\u00e9.md')).toBe(collisionKey('Cafe\u0301.md'));
    expect(collisionKey('\ufb01le.md')).toBe(collisionKey('FILE.md'));
    expect(collisionKey('Stra\u00dfe')).toBe(collisionKey('STRASSE'));
  });

  it('differs for different names', () => {
    expect(collisionKey('a/b.md')).not.toBe(collisionKey('a/c.md'));
    expect(collisionKey('ab.md')).not.toBe(collisionKey('a/b.md'));
  });
});

describe('resolveCollisions', () => {
  it('keeps the smallest path by code units and reports the others as colliding with it', () => {
    const result = resolveCollisions(['notes/plan.md', 'Notes/Plan.md', 'NOTES/PLAN.MD', 'other.md']);
    expect(result.kept).toEqual(['NOTES/PLAN.MD', 'other.md']);
    expect(result.rejected.map((r) => [r.path, r.reason, r.collidesWith])).toEqual([
      ['Notes/Plan.md', 'collision', 'NOTES/PLAN.MD'],
      ['notes/plan.md', 'collision', 'NOTES/PLAN.MD'],
    ]);
  });

  it('picks the same winner whatever the input order', () => {
    const paths = ['b.md', 'B.md', 'Caf\u00e9', 'Cafe\u0301', 'CAF\u00c9', 'x/y', 'X/y', 'x'];
    const expected = resolveCollisions(paths);
    for (let shift = 1; shift < paths.length; shift++) {
      const rotated = [...paths.slice(shift), ...paths.slice(0, shift)];
      expect(resolveCollisions(rotated)).toEqual(expected);
      expect(resolveCollisions([...rotated].reverse())).toEqual(expected);
    }
  });

  it('treats NFC and NFD spellings of one name as a collision', () => {
    const result = resolveCollisions(['Caf\u00e9.md', 'Cafe\u0301.md']);
    expect(result.kept).toHaveLength(1);
    expect(result.rejected).toHaveLength(1);
  });

  it('refuses a file whose name a folder of another entry needs', () => {
    const result = resolveCollisions(['Projects', 'projects/plan.md']);
    expect(result.kept).toEqual(['projects/plan.md']);
    expect(result.rejected).toMatchObject([{ path: 'Projects', reason: 'collision', collidesWith: 'projects/plan.md' }]);
  });

  it('keeps folders that differ only in case, since their files do not collide', () => {
    expect(resolveCollisions(['A/x.md', 'a/y.md']).kept).toEqual(['A/x.md', 'a/y.md']);
  });
});

describe('screenPaths', () => {
  it('checks every path, resolves collisions among the survivors, and maps each source to its NFC path', () => {
    const result = screenPaths(['Cafe\u0301.md', '../evil.md', 'caf\u00e9.MD', 'ok.md']);
    expect(result.accepted).toEqual([
      { source: 'Cafe\u0301.md', path: 'Caf\u00e9.md' },
      { source: 'ok.md', path: 'ok.md' },
    ]);
    expect(result.rejected.map((r) => [r.path, r.reason])).toEqual([
      ['../evil.md', 'traversal'],
      ['caf\u00e9.MD', 'collision'],
    ]);
  });
});

describe('safeJoin', () => {
  it('returns the absolute path of a file inside the root', () => {
    expect(safeJoin('/mnt/kb', 'notes/a.md', path.posix)).toBe('/mnt/kb/notes/a.md');
    expect(safeJoin('C:\\mnt\\kb', 'notes/a.md', path.win32)).toBe('C:\\mnt\\kb\\notes\\a.md');
  });

  it('throws a PathEscapeError for a path that climbs out', () => {
    expect(() => safeJoin('/mnt/kb', '../x', path.posix)).toThrow(PathEscapeError);
    expect(() => safeJoin('C:\\mnt\\kb', '..\\x', path.win32)).toThrow(PathEscapeError);
  });

  it('throws for a sibling folder that shares the root as a prefix', () => {
    expect(() => safeJoin('/mnt/kb', '../kb2/x.md', path.posix)).toThrow(PathEscapeError);
  });

  it('throws for absolute, drive-relative, UNC and empty paths, and for the root itself', () => {
    expect(() => safeJoin('/mnt/kb', '/etc/passwd', path.posix)).toThrow(PathEscapeError);
    expect(() => safeJoin('C:\\mnt\\kb', 'D:x', path.win32)).toThrow(PathEscapeError);
    expect(() => safeJoin('C:\\mnt\\kb', '\\\\server\\share', path.win32)).toThrow(PathEscapeError);
    expect(() => safeJoin('/mnt/kb', '', path.posix)).toThrow(PathEscapeError);
    expect(() => safeJoin('/mnt/kb', 'a/..', path.posix)).toThrow(PathEscapeError);
  });

  it('throws for a NUL byte', () => {
    expect(() => safeJoin('/mnt/kb', 'a\u0000b', path.posix)).toThrow(PathEscapeError);
  });

  it('reports a code and says what happened', () => {
    try {
      safeJoin('/mnt/kb', '../x', path.posix);
      expect.fail('expected a PathEscapeError');
    } catch (error) {
      expect(error).toMatchObject({ code: 'path-escape', relPath: '../x' });
      expect((error as Error).message).toMatch(/outside the mount folder/u);
    }
  });

  it('uses the platform path rules by default', () => {
    const root = path.resolve('mount-root');
    expect(safeJoin(root, 'a/b.md')).toBe(path.join(root, 'a', 'b.md'));
  });
});

interface RegressionCase {
  path: string;
  note: string;
  reason?: PathRejectionReason;
}

describe('folderNameFor (a subscription\'s folder, named after a title its author chose)', () => {
  it('keeps a plain title as it is, in NFC', () => {
    expect(folderNameFor('Garden of Forking Paths')).toBe('Garden of Forking Paths');
    expect(folderNameFor('Cafe\u0301 notes')).toBe('Café notes');
    expect(folderNameFor('日本語のノート')).toBe('日本語のノート');
  });

  it('turns separators and characters Windows or Obsidian links refuse into spaces, and drops controls and bidi marks', () => {
    expect(folderNameFor('Notes: 2026 / Q1 [draft] #1')).toBe('Notes 2026 Q1 draft 1');
    expect(folderNameFor('..\\..\\.obsidian/\u202eplugins\u0007')).toBe('obsidian plugins');
    expect(folderNameFor('Evil\u202egnp.md')).toBe('Evilgnp.md');
    expect(folderNameFor('Ends with dots... ')).toBe('Ends with dots');
  });

  it('keeps a reserved or look-alike name readable behind the fallback\'s words, and falls back when nothing is left', () => {
    expect(folderNameFor('CON')).toBe('Knowledge base CON');
    expect(folderNameFor('nul.txt')).toBe('Knowledge base nul.txt');
    expect(folderNameFor('GIT~1')).toBe('Knowledge base GIT~1');
    expect(folderNameFor('．obsidian')).toBe('Knowledge base ．obsidian');
    for (const nothing of ['', '   ', '...', '\u0000\u202e', '/', '\ud800']) expect(folderNameFor(nothing)).toBe('Knowledge base');
  });

  it('caps the name at 120 UTF-8 bytes without splitting a character', () => {
    const name = folderNameFor('é'.repeat(200));
    expect(Buffer.byteLength(name, 'utf8')).toBe(120);
    expect(name).toBe('é'.repeat(60));
    expect(Buffer.byteLength(folderNameFor('🌱'.repeat(100)), 'utf8')).toBeLessThanOrEqual(120);
  });

  it('always gives one name the path policy and the independent oracle accept', () => {
    const random = seededRandom(testSeed('folder-name'));
    const alphabet = ['a', 'Z', ' ', '.', '/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '^', '[', ']', '~', '1', 'CON', 'aux', 'lpt1',
      '\u0000', '\u001f', '\u007f', '\u0085', '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff', '．', '\u2024', 'İ', 'ß', 'e\u0301', '🌱', '日'];
    for (let i = 0; i < 3000; i++) {
      const title = Array.from({ length: Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const name = folderNameFor(title);
      expect(name.includes('/'), JSON.stringify(title)).toBe(false);
      expect(checkPath(name).ok, JSON.stringify(title)).toBe(true);
      expect(judgePath(name).safe, JSON.stringify(title)).toBe(true);
    }
  });
});

describe('regression fixtures', () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/path-policy/regressions.json', import.meta.url), 'utf8')) as { cases: RegressionCase[] };

  it('has cases to replay', () => {
    expect(fixture.cases.length).toBeGreaterThan(10);
  });

  it.each(fixture.cases.map((c) => [c.note, c] as const))('never accepts an unsafe path: %s', (_note, c) => {
    const verdict = checkPath(c.path);
    if (verdict.ok) expect(judgePath(verdict.path)).toEqual({ safe: true });
    if (c.reason !== undefined) expect(verdict.ok ? 'accepted' : verdict.reason).toBe(c.reason);
  });
});
