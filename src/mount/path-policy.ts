// Which files a remote knowledge base may write under its mount.
//
// A KB's paths are chosen by whoever writes to it, so every path is hostile until this module accepts it.
// Each path is checked three times: as received, in NFC (the form that is written), and in a folded form
// (compatibility-decomposed, case-folded, default-ignorable characters removed) that covers what a
// normalizing or case-insensitive file system (APFS, HFS+ which stores NFD, NTFS) or a later NFKC step
// could turn it into. A path passes only if all three pass, so look-alikes such as `．obsidian`,
// `\u2024\u2024/x`, `.\u200cgit` or `COM¹` are refused. The size caps apply to the first two forms only:
// decomposition triples Korean names, and the fold is never written.
// Pure functions: no I/O. `safeJoin` is the second fence the mount puts around every write.
import nodePath, { type PlatformPath } from 'node:path';

/** Why a path from a knowledge base was refused. */
export type PathRejectionReason =
  | 'not-a-string'
  | 'empty'
  | 'invalid-unicode'
  | 'device'
  | 'unc'
  | 'drive'
  | 'absolute'
  | 'backslash'
  | 'control-char'
  | 'bidi-char'
  | 'too-long'
  | 'too-deep'
  | 'traversal'
  | 'empty-segment'
  | 'dot-segment'
  | 'invalid-char'
  | 'trailing-dot-or-space'
  | 'reserved-name'
  | 'short-name'
  | 'collision';

/** A refused path and a sentence saying why, for the mount's report. `collidesWith` names the entry that kept the file. */
export interface PathRejection {
  path: string;
  reason: PathRejectionReason;
  message: string;
  collidesWith?: string;
}

/** The outcome of checking one path: the NFC path to write, or why it was refused. */
export type PathVerdict = { ok: true; path: string } | ({ ok: false } & PathRejection);

/** Size caps; the defaults fit every desktop file system Obsidian runs on. */
export interface PathLimits {
  /** Longest file or folder name, in UTF-8 bytes. */
  maxSegmentBytes: number;
  /** Longest whole path, in UTF-8 bytes. */
  maxPathBytes: number;
  /** Most names in one path (folders plus the file). */
  maxDepth: number;
}

/** The caps used when none are given. */
export const DEFAULT_PATH_LIMITS: Readonly<PathLimits> = Object.freeze({
  maxSegmentBytes: 255,
  maxPathBytes: 1024,
  maxDepth: 32,
});

const LONE_SURROGATE = /\p{Cs}/u;
// C0, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Bidi controls: they reorder the text after them, so a name (or a title) could read as something else. */
export const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const WINDOWS_INVALID = /[<>:"|?*]/u;
// Zero-width joiners, soft hyphens, variation selectors...: HFS+ ignores some of them when comparing names
// (the git CVE-2014-9390 class), so `.\u200cgit` must count as `.git`. They are removed from the fold only,
// because ZWNJ/ZWJ are legitimate inside Persian words and emoji sequences.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
// Win32 namespaces: \\?\C:\..., \\.\PIPE\..., and the NT object namespace \??\...
const DEVICE = /^(?:[\\/]{2}[?.][\\/]|\\\?\?\\)/u;
const UNC = /^[\\/]{2}/u;
const DRIVE = /^[a-z]:/iu;
// Windows maps these names to devices whatever the extension (`con.txt`) and with trailing spaces (`con .md`).
const RESERVED_STEM = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$|clock\$)$/iu;
// An 8.3 short name such as GIT~1 or OBSIDI~1 can alias a dot folder on NTFS. Its base has at most 6
// characters; 8 leaves room for case mapping that lengthens a name (İ → i̇).
const SHORT_NAME_STEM = /^[^.]{0,8}~[0-9]{1,7}$/u;

interface Problem {
  reason: Exclude<PathRejectionReason, 'collision' | 'not-a-string'>;
  detail: string;
}

/** Checks one path from a knowledge base; accepted paths come back in NFC, the form to write. */
export function checkPath(path: string, limits: Partial<PathLimits> = {}): PathVerdict {
  if (typeof path !== 'string') {
    return { ok: false, path: String(path), reason: 'not-a-string', message: 'A knowledge base entry has no path text; it was not written.' };
  }
  const caps: PathLimits = {
    maxSegmentBytes: limits.maxSegmentBytes ?? DEFAULT_PATH_LIMITS.maxSegmentBytes,
    maxPathBytes: limits.maxPathBytes ?? DEFAULT_PATH_LIMITS.maxPathBytes,
    maxDepth: limits.maxDepth ?? DEFAULT_PATH_LIMITS.maxDepth,
  };
  if (LONE_SURROGATE.test(path)) {
    return reject(path, { reason: 'invalid-unicode', detail: 'it contains a broken Unicode character (a lone surrogate)' }, false);
  }
  const nfc = path.normalize('NFC');
  const forms = [path, nfc, foldPath(nfc)];
  for (let i = 0; i < forms.length; i++) {
    const form = forms[i] ?? '';
    if (i > 0 && form === forms[i - 1]) continue;
    const problem = findProblem(form, i === 2 ? UNCAPPED : caps);
    if (problem !== undefined) return reject(path, problem, i === 2);
  }
  return { ok: true, path: nfc };
}

/** Longest folder name made from a title, in UTF-8 bytes: readable, and room for " 999" and a mount root. */
const MAX_TITLE_FOLDER_BYTES = 120;
// Separators, what Windows refuses in names, and what breaks Obsidian's links (`#`, `^`, `[`, `]`).
const NOT_IN_FOLDER_NAMES = /[\\/<>:"|?*#^[\]]/gu;
const CONTROL_OR_BIDI = new RegExp(`${CONTROL.source}|${BIDI.source}|${LONE_SURROGATE.source}`, 'gu');

/**
 * A folder name for a knowledge base, made from its title, which its author chose and which is as hostile
 * as its paths: one name that `checkPath` accepts, as close to the title as that allows (`fallback` when
 * nothing of it is left).
 */
export function folderNameFor(title: string, fallback = 'Knowledge base'): string {
  const cleaned = String(title).replace(CONTROL_OR_BIDI, '').normalize('NFC')
    .replace(NOT_IN_FOLDER_NAMES, ' ')
    .replace(/\s+/gu, ' ')
    .replace(/^[.\s]+/u, '');
  const name = truncateUtf8(cleaned, MAX_TITLE_FOLDER_BYTES).replace(/[.\s]+$/u, '');
  if (name === '') return fallback;
  // A reserved device name (`CON`), a short name (`GIT~1`) or a look-alike of a dot folder (`．obsidian`)
  // stays readable behind the fallback's words.
  for (const candidate of [name, `${fallback} ${name}`]) if (checkPath(candidate).ok) return candidate;
  return fallback;
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** The key (NFKD, case-folded) two entries share when they would land on the same file on a case-insensitive or normalizing file system. */
export function collisionKey(path: string): string {
  return foldPath(path.normalize('NFC'));
}

/** Which of several accepted paths keep their file name, and which collide with a path that keeps it. */
export interface CollisionResult {
  /** The input paths that keep their name, sorted. */
  kept: string[];
  /** The others, sorted, each with `collidesWith` set to the path that won. */
  rejected: PathRejection[];
}

/**
 * Picks, independently of input order, which of the given (already accepted) paths keep their name:
 * among entries with the same `collisionKey`, the smallest NFC path by code units wins (ties broken on the
 * path as given). A file whose key equals a folder another kept path needs is refused too, since a name
 * cannot be both a file and a folder.
 */
export function resolveCollisions(paths: readonly string[]): CollisionResult {
  const ordered = paths
    .map((source) => ({ source, nfc: source.normalize('NFC') }))
    .sort((a, b) => compareCodeUnits(a.nfc, b.nfc) || compareCodeUnits(a.source, b.source));
  const winners = new Map<string, { source: string; names: string[] }>();
  const rejected: PathRejection[] = [];
  for (const { source, nfc } of ordered) {
    const names = nfc.split('/').map(foldName);
    const key = names.join('/');
    const winner = winners.get(key);
    if (winner === undefined) winners.set(key, { source, names });
    else rejected.push(collision(source, winner.source, `it would land on the same file as "${printable(winner.source)}" on a case-insensitive or normalizing file system`));
  }
  // Winners are visited in sorted order, so each folder's owner is the smallest path that needs it.
  const folderOwners = new Map<string, string>();
  for (const { source, names } of winners.values()) {
    for (let depth = 1; depth < names.length; depth++) {
      const folder = names.slice(0, depth).join('/');
      if (!folderOwners.has(folder)) folderOwners.set(folder, source);
    }
  }
  const kept: string[] = [];
  for (const [key, { source }] of winners) {
    const owner = folderOwners.get(key);
    if (owner === undefined) kept.push(source);
    else rejected.push(collision(source, owner, `a folder of "${printable(owner)}" needs the same name`));
  }
  kept.sort(compareCodeUnits);
  rejected.sort((a, b) => compareCodeUnits(a.path, b.path));
  return { kept, rejected };
}

/** One KB entry that may be written: `source` is the path as the KB has it, `path` the NFC path to write. */
export interface AcceptedPath {
  source: string;
  path: string;
}

/** Runs `checkPath` on every entry, then `resolveCollisions` on the survivors: the whole policy for a KB listing. */
export function screenPaths(paths: readonly string[], limits: Partial<PathLimits> = {}): { accepted: AcceptedPath[]; rejected: PathRejection[] } {
  const rejected: PathRejection[] = [];
  const written = new Map<string, string>();
  for (const source of paths) {
    const verdict = checkPath(source, limits);
    if (verdict.ok) written.set(source, verdict.path);
    else rejected.push({ path: verdict.path, reason: verdict.reason, message: verdict.message });
  }
  const { kept, rejected: collided } = resolveCollisions([...written.keys()]);
  const accepted = kept.map((source) => ({ source, path: written.get(source) ?? source }));
  return { accepted, rejected: [...rejected, ...collided].sort((a, b) => compareCodeUnits(a.path, b.path)) };
}

/** Thrown by `safeJoin` when a path would resolve outside the mount folder. */
export class PathEscapeError extends Error {
  override readonly name = 'PathEscapeError';
  readonly code = 'path-escape';
  constructor(readonly root: string, readonly relPath: string) {
    super(`Refused to write "${printable(relPath)}": it resolves outside the mount folder "${root}". The entry was skipped; tell the knowledge base's author.`);
  }
}

/**
 * The absolute OS path of `relPath` under `root`, only if it stays strictly inside `root`; throws
 * `PathEscapeError` otherwise. A fence behind `checkPath`, not a replacement: it does not see symlinks.
 * `paths` selects the platform's path rules (tests pass `path.win32` or `path.posix`).
 */
export function safeJoin(root: string, relPath: string, paths: PlatformPath = nodePath): string {
  if (relPath.length === 0 || relPath.includes('\0') || paths.isAbsolute(relPath)) throw new PathEscapeError(root, relPath);
  const base = paths.resolve(root);
  const target = paths.resolve(base, relPath);
  const prefix = base.endsWith(paths.sep) ? base : base + paths.sep;
  if (!target.startsWith(prefix) || target.length === prefix.length) throw new PathEscapeError(root, relPath);
  return target;
}

const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/u;
const UNCAPPED: PathLimits = { maxSegmentBytes: Infinity, maxPathBytes: Infinity, maxDepth: Infinity };

/**
 * The folded form every check also runs on, name by name: NFKD, default-ignorables removed, case-folded.
 * NFKD rather than NFKC so that `≮` shows its `<`; two names have the same NFKD form exactly when they
 * have the same NFKC form, and every ASCII character NFKC produces, NFKD produces at the same place.
 */
function foldPath(nfc: string): string {
  // Printable ASCII has nothing to decompose or ignore: lower case is its whole fold (and the common case).
  if (PRINTABLE_ASCII.test(nfc)) return nfc.toLowerCase();
  return nfc.split('/').map(foldName).join('/');
}

function foldName(name: string): string {
  if (PRINTABLE_ASCII.test(name)) return name.toLowerCase();
  // Upper then lower folds more than lower alone (ſ, ı, ß → s, i, ss): over-folding only adds refusals.
  return name.normalize('NFKD').replace(IGNORABLE, '').toUpperCase().toLowerCase().normalize('NFKD');
}

function findProblem(form: string, caps: PathLimits): Problem | undefined {
  if (form.length === 0) return { reason: 'empty', detail: 'the path is empty' };
  if (DEVICE.test(form)) return { reason: 'device', detail: 'it names a Windows device path' };
  if (UNC.test(form)) return { reason: 'unc', detail: 'it names a network share (a UNC path)' };
  if (DRIVE.test(form)) return { reason: 'drive', detail: 'it starts with a drive letter' };
  if (form.startsWith('/')) return { reason: 'absolute', detail: 'it is absolute; a knowledge base path must be relative to the mount' };
  if (form.includes('\\')) return { reason: 'backslash', detail: 'it contains a backslash, which Windows reads as a folder separator' };
  const control = CONTROL.exec(form);
  if (control !== null) return { reason: 'control-char', detail: `it contains the control character ${codePoint(control[0])}` };
  const bidi = BIDI.exec(form);
  if (bidi !== null) return { reason: 'bidi-char', detail: `it contains the bidirectional control ${codePoint(bidi[0])}, which can disguise a name` };
  const bytes = form.length * 3 > caps.maxPathBytes ? Buffer.byteLength(form, 'utf8') : 0;
  if (bytes > caps.maxPathBytes) return { reason: 'too-long', detail: `it is ${bytes} bytes long; a path may have at most ${caps.maxPathBytes}` };
  const names = form.split('/');
  if (names.length > caps.maxDepth) return { reason: 'too-deep', detail: `it is ${names.length} names deep; a path may have at most ${caps.maxDepth}` };
  if (names.includes('..')) return { reason: 'traversal', detail: 'it climbs out of the mount with ".."' };
  for (const name of names) {
    const problem = findNameProblem(name, caps);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function findNameProblem(name: string, caps: PathLimits): Problem | undefined {
  if (name.length === 0) return { reason: 'empty-segment', detail: 'it has an empty name (a doubled or trailing "/")' };
  if (name.startsWith('.')) {
    return { reason: 'dot-segment', detail: `${quoted(name)} starts with a dot; hidden files and folders (such as the vault's config folder) are never written from a knowledge base` };
  }
  const invalid = WINDOWS_INVALID.exec(name);
  if (invalid !== null) return { reason: 'invalid-char', detail: `${quoted(name)} contains "${invalid[0]}", which Windows does not allow in names` };
  if (name.endsWith('.') || name.endsWith(' ')) return { reason: 'trailing-dot-or-space', detail: `${quoted(name)} ends with a dot or a space, which Windows silently drops` };
  const dot = name.indexOf('.');
  const stem = (dot === -1 ? name : name.slice(0, dot)).trimEnd();
  if (RESERVED_STEM.test(stem)) return { reason: 'reserved-name', detail: `${quoted(name)} is a reserved device name on Windows` };
  // Composed, so that a decomposed fold (ǅ → Dž) does not hide a short name by looking longer.
  if (stem.includes('~') && SHORT_NAME_STEM.test(stem.normalize('NFC'))) return { reason: 'short-name', detail: `${quoted(name)} looks like a Windows short (8.3) name, which can stand for another file or folder` };
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes, so short names need no counting.
  const bytes = name.length * 3 > caps.maxSegmentBytes ? Buffer.byteLength(name, 'utf8') : 0;
  if (bytes > caps.maxSegmentBytes) return { reason: 'too-long', detail: `a name in it is ${bytes} bytes long; a name may have at most ${caps.maxSegmentBytes}` };
  return undefined;
}

function reject(path: string, problem: Problem, onlyWhenFolded: boolean): PathVerdict {
  const note = onlyWhenFolded ? ' (once look-alike Unicode characters are folded to their plain form)' : '';
  return { ok: false, path, reason: problem.reason, message: `"${printable(path)}" was not written: ${problem.detail}${note}.` };
}

function collision(path: string, winner: string, detail: string): PathRejection {
  return { path, reason: 'collision', collidesWith: winner, message: `"${printable(path)}" was not written: ${detail}.` };
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const MAX_SHOWN = 120;
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/gu;

/** A path as it can be shown safely: invisible and control characters spelled out, long paths shortened. */
export function printable(text: string): string {
  const chars = text.length > MAX_SHOWN ? Array.from(text) : [];
  const short = chars.length > MAX_SHOWN ? `${chars.slice(0, MAX_SHOWN).join('')}…` : text;
  if (PRINTABLE_ASCII.test(short)) return short;
  return short.replace(INVISIBLE, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`);
}

function quoted(name: string): string {
  return `"${printable(name)}"`;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
