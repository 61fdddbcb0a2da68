// An independent judge of whether a path is safe to write under a mount, for the path policy's fuzzer.
//
// Written apart from src/mount/path-policy.ts and on purpose by a different method: instead of parsing the
// path into names and matching rules, it asks Node's own POSIX and Win32 path resolvers where the path lands,
// walks code points against explicit tables, and looks at more spellings of the path (NFKC, NFKD, upper and
// lower case, HFS+-ignorable characters stripped). It only needs to be right about accepted paths: every path
// the policy accepts must be judged safe here.
import path from 'node:path';

/** The oracle's verdict; `why` names the first property the path breaks. */
export type OracleVerdict = { safe: true } | { safe: false; why: string };

const POSIX_ROOT = '/mnt/kb';
const WIN_ROOT = 'C:\\mnt\\kb';
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 1024;
const MAX_DEPTH = 32;

// Code points HFS+ skips when comparing names, as listed by git's is_hfs_dotgit (CVE-2014-9390), plus
// the ones NFKC erases anyway.
const HFS_IGNORED = [0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, 0xfeff];
const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const WINDOWS_FORBIDDEN = new Set(Array.from('<>:"|?*\\', (c) => c.charCodeAt(0)));
const DEVICES = new Set(['CON', 'PRN', 'AUX', 'NUL', 'CONIN$', 'CONOUT$']);

/** Judges whether writing `written` (the policy's output) under a mount root can only create a plain file inside it. */
export function judgePath(written: string): OracleVerdict {
  if (!isWellFormedUtf16(written)) return unsafe('not well-formed UTF-16');
  if (written.normalize('NFC') !== written) return unsafe('the written form is not NFC');
  const bytes = utf8Length(written);
  if (bytes > MAX_PATH_BYTES) return unsafe('path longer than 1024 bytes');
  if (written.split('/').length > MAX_DEPTH) return unsafe('deeper than 32');
  // A name is never longer than its path.
  if (bytes > MAX_NAME_BYTES && written.split('/').some((name) => utf8Length(name) > MAX_NAME_BYTES)) return unsafe('name longer than 255 bytes');
  resolved.clear();
  for (const spelling of spellings(written)) {
    const verdict = judgeSpelling(spelling);
    if (!verdict.safe) return unsafe(`${verdict.why} in spelling ${JSON.stringify(spelling)}`);
  }
  return { safe: true };
}

function judgeSpelling(p: string): OracleVerdict {
  if (p.length === 0) return unsafe('empty');
  // Every character looked for is in the BMP, so walking UTF-16 code units is exact.
  for (let i = 0; i < p.length; i++) {
    const cu = p.charCodeAt(i);
    if (cu < 0x20 || (cu >= 0x7f && cu <= 0x9f)) return unsafe(`control character ${cu.toString(16)}`);
    if (BIDI.has(cu)) return unsafe(`bidi control ${cu.toString(16)}`);
    if (WINDOWS_FORBIDDEN.has(cu)) return unsafe(`Windows-forbidden character ${JSON.stringify(p[i])}`);
  }
  for (const name of p.split('/')) {
    const why = judgeName(name);
    if (why !== undefined) return unsafe(why);
  }
  // Case never moves a path, so resolving one case of each spelling is enough.
  const resolvable = p.toLowerCase();
  if (resolved.has(resolvable)) return { safe: true };
  const verdict = judgeResolution(resolvable);
  if (verdict.safe) resolved.add(resolvable);
  return verdict;
}

// Lower-cased spellings of the current path already resolved safely (cleared per path).
const resolved = new Set<string>();

function judgeResolution(p: string): OracleVerdict {
  const posixTarget = path.posix.resolve(POSIX_ROOT, p);
  if (!posixTarget.startsWith(`${POSIX_ROOT}/`)) return unsafe(`POSIX resolution leaves the root (${posixTarget})`);
  // A path that resolves to exactly root + itself has no `.`, `..` or empty names for a resolver to rewrite.
  if (posixTarget !== `${POSIX_ROOT}/${p}`) return unsafe('POSIX resolution rewrites the path');
  const winTarget = path.win32.resolve(WIN_ROOT, p);
  if (!winTarget.toLowerCase().startsWith(`${WIN_ROOT.toLowerCase()}\\`)) return unsafe(`Win32 resolution leaves the root (${winTarget})`);
  if (winTarget !== `${WIN_ROOT}\\${p.split('/').join('\\')}`) return unsafe('Win32 resolution rewrites the path');
  return { safe: true };
}

function judgeName(name: string): string | undefined {
  if (name === '') return 'empty name';
  if (name[0] === '.') return 'hidden (dot) name';
  const last = name[name.length - 1];
  if (last === '.' || last === ' ') return 'trailing dot or space';
  // Windows ignores everything from the first dot, and spaces before it, when matching device names.
  const dot = name.indexOf('.');
  const stem = (dot === -1 ? name : name.slice(0, dot)).trimEnd().toUpperCase();
  if (DEVICES.has(stem)) return 'Windows device name';
  if (stem.length === 4 && (stem.startsWith('COM') || stem.startsWith('LPT')) && '0123456789¹²³'.includes(stem[3] ?? '')) return 'Windows device name';
  const tilde = stem.lastIndexOf('~');
  if (tilde !== -1 && tilde < stem.length - 1 && /^\d+$/u.test(stem.slice(tilde + 1)) && !stem.slice(0, tilde).includes('.')) {
    if (stem.length <= 8) return 'Windows 8.3 short name';
  }
  return undefined;
}

/** The spellings a file system or a later normalization step might turn the path into. */
function spellings(p: string): Set<string> {
  const out = new Set<string>();
  // NFKD shows every ASCII character NFD or NFKC would produce. Case needs no spelling of its own: only
  // device names depend on it, and judgeName upper-cases those (which also turns ı and ſ into I and S).
  for (const base of [p, stripHfsIgnored(p)]) {
    out.add(base);
    out.add(base.normalize('NFKC'));
    out.add(base.normalize('NFKD'));
  }
  return out;
}

function stripHfsIgnored(p: string): string {
  if (!HFS_IGNORED.some((cp) => p.includes(String.fromCharCode(cp)))) return p;
  let out = '';
  for (const char of p) if (!HFS_IGNORED.includes(char.codePointAt(0) ?? 0)) out += char;
  return out;
}

function isWellFormedUtf16(p: string): boolean {
  try {
    encodeURIComponent(p);
    return true;
  } catch {
    return false;
  }
}

const utf8 = new TextEncoder();

function utf8Length(p: string): number {
  return utf8.encode(p).length;
}

function unsafe(why: string): OracleVerdict {
  return { safe: false, why };
}
