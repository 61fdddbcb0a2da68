// Share links: how a knowledge base's key travels from its author to a subscriber.
//
// Two spellings of one link: `tzimtzum://<key>?view=<view key>&tree=<tree key>&name=<title>` (for chat and
// the CLI) and `obsidian://tzimtzum?kb=<key>&view=<view key>&tree=<tree key>&name=<title>` (opens Obsidian
// through its protocol handler). A bare key is accepted too. Keys are 32-byte Hypercore keys in z-base-32,
// always 52 characters. The optional view key names the knowledge base's signed view, so a fresh reader can
// jump to it at once instead of replaying the log; the optional tree key names the core of its file tree,
// so a fresh reader can look a note up while that jump runs. Both are hints: the reader checks that the
// knowledge base's creator signed them.
//
// Parsing is strict: the key must be canonical lowercase z-base-32 that decodes to exactly 32 bytes, and
// unknown query parameters are rejected rather than ignored, so a link from a newer version that carries
// more meaning (say, a writer invite) fails loudly instead of silently subscribing to less. Obsidian adds
// an `action` parameter of its own to the parameters it hands a handler; that one is expected.
import z32 from 'z32';

/** A parsed share link: the knowledge base's key and, if the link carries one, its title. */
export interface ShareLink {
  key: Uint8Array;
  name?: string;
  /** The key of the signed view (Autobase's system core), a hint for fast first reads. */
  view?: Uint8Array;
  /** The key of the view's file tree (the Hyperbee core), a hint for a fresh reader's first lookups. */
  tree?: Uint8Array;
}

/** Thrown for a link that cannot be parsed or formatted; the message says what is wrong and what a good link looks like. */
export class ShareLinkError extends Error {
  override readonly name = 'ShareLinkError';
  readonly code = 'share-link-invalid';
  constructor(problem: string) {
    super(`${problem}. ${GOOD_LINK}`);
  }
}

/** The URL scheme of Tzimtzum's own links. */
export const SHARE_LINK_SCHEME = 'tzimtzum';
/** The Obsidian protocol action the plugin registers. */
export const OBSIDIAN_ACTION = 'tzimtzum';
/** Longest title a link may carry, in characters (code points). */
export const MAX_NAME_LENGTH = 200;

const KEY_BYTES = 32;
const KEY_CHARS = 52;
const MAX_LINK_LENGTH = 4096;
const Z32_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
const Z32_KEY = new RegExp(`^[${Z32_ALPHABET}]{${KEY_CHARS}}$`, 'u');
const UNSAFE_NAME_CHAR = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;
const GOOD_LINK = `A share link looks like ${SHARE_LINK_SCHEME}://<key>?name=<title> or obsidian://${OBSIDIAN_ACTION}?kb=<key>&name=<title>, where <key> is 52 characters of z-base-32 (lowercase letters and digits without 0, 2, l or v)`;

/** Formats `tzimtzum://<key>?name=<title>`; the name is left out when absent or empty. */
export function formatShareLink(link: ShareLink): string {
  const query = queryOf(link);
  return `${SHARE_LINK_SCHEME}://${encodeKey(link.key)}${query ? `?${query}` : ''}`;
}

/** Formats `obsidian://tzimtzum?kb=<key>&name=<title>`, which opens the subscription in Obsidian. */
export function formatObsidianLink(link: ShareLink): string {
  const query = queryOf(link);
  return `obsidian://${OBSIDIAN_ACTION}?kb=${encodeKey(link.key)}${query ? `&${query}` : ''}`;
}

function queryOf(link: ShareLink): string {
  const name = checkedName(link.name);
  const parts: string[] = [];
  if (link.view) parts.push(`view=${encodeKey(link.view)}`);
  if (link.tree) parts.push(`tree=${encodeKey(link.tree)}`);
  if (name !== undefined) parts.push(`name=${encodeURIComponent(name)}`);
  return parts.join('&');
}

/** Parses either link form or a bare key, ignoring surrounding whitespace; throws `ShareLinkError` when it is not valid. */
export function parseShareLink(text: string): ShareLink {
  if (typeof text !== 'string') throw new ShareLinkError('A share link must be text');
  const link = text.trim();
  if (link.length === 0) throw new ShareLinkError('The share link is empty');
  if (link.length > MAX_LINK_LENGTH) throw new ShareLinkError(`The share link is ${link.length} characters long, more than any valid link`);
  const scheme = /^([a-z][a-z0-9+.-]*):/iu.exec(link)?.[1]?.toLowerCase();
  if (scheme === undefined) return { key: decodeKey(link) };
  if (link.includes('#')) throw new ShareLinkError('The share link has a "#" fragment, which share links never carry');
  const rest = link.slice(scheme.length + 1);
  if (scheme === SHARE_LINK_SCHEME) return parseTzimtzumLink(rest);
  if (scheme === 'obsidian') return parseObsidianLink(rest);
  throw new ShareLinkError(`"${scheme}:" links are not share links`);
}

/**
 * Reads the parameters Obsidian passes to the `tzimtzum` protocol handler (already percent-decoded);
 * throws `ShareLinkError` like `parseShareLink`.
 */
export function parseObsidianParams(params: Readonly<Record<string, string | undefined>>): ShareLink {
  const { action, kb, name, view, tree, ...unknown } = params;
  if (action !== undefined && action !== OBSIDIAN_ACTION) throw new ShareLinkError(`The Obsidian link is for "${action}", not for ${OBSIDIAN_ACTION}`);
  rejectUnknown(Object.keys(unknown));
  if (kb === undefined) throw new ShareLinkError('The Obsidian link has no "kb" parameter with the knowledge base key');
  return withHints(withName(decodeKey(kb), name), view, tree);
}

function parseTzimtzumLink(rest: string): ShareLink {
  if (!rest.startsWith('//')) throw new ShareLinkError(`The link must start with ${SHARE_LINK_SCHEME}://`);
  const [target = '', query] = splitOnce(rest.slice(2), '?');
  // Some chat apps append a slash when they turn a link into a hyperlink.
  const key = target.endsWith('/') ? target.slice(0, -1) : target;
  const params = parseQuery(query);
  rejectUnknown([...params.keys()].filter((k) => k !== 'name' && k !== 'view' && k !== 'tree'));
  return withHints(withName(decodeKey(key), params.get('name')), params.get('view'), params.get('tree'));
}

function parseObsidianLink(rest: string): ShareLink {
  const [target = '', query] = splitOnce(rest, '?');
  const action = target.replace(/^\/\//u, '').replace(/\/$/u, '');
  if (action !== OBSIDIAN_ACTION) throw new ShareLinkError(`The Obsidian link opens "${action}", not ${OBSIDIAN_ACTION}`);
  return parseObsidianParams(Object.fromEntries(parseQuery(query)));
}

function parseQuery(query: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  if (query === undefined || query === '') return params;
  for (const pair of query.split('&')) {
    const [rawKey = '', rawValue = ''] = splitOnce(pair, '=');
    const key = percentDecode(rawKey, 'parameter name');
    if (params.has(key)) throw new ShareLinkError(`The link has the "${key}" parameter twice`);
    params.set(key, percentDecode(rawValue, `"${key}" parameter`));
  }
  return params;
}

function percentDecode(text: string, what: string): string {
  try {
    // `+` is a space in query strings written by form encoders; this module's own links encode `+` as %2B.
    return decodeURIComponent(text.replace(/\+/gu, ' '));
  } catch {
    throw new ShareLinkError(`The link's ${what} is not valid percent-encoded UTF-8`);
  }
}

function rejectUnknown(keys: string[]): void {
  if (keys.length > 0) {
    throw new ShareLinkError(`The link has parameters this version does not understand (${keys.map((k) => `"${k}"`).join(', ')}); update Tzimtzum or ask for a new link`);
  }
}

function withHints(link: ShareLink, view: string | undefined, tree: string | undefined): ShareLink {
  return {
    ...link,
    ...(view === undefined ? {} : { view: decodeKey(view) }),
    ...(tree === undefined ? {} : { tree: decodeKey(tree) }),
  };
}

function withName(key: Uint8Array, name: string | undefined): ShareLink {
  const checked = checkedName(name);
  return checked === undefined ? { key } : { key, name: checked };
}

/** The trimmed name, or undefined when absent or empty; throws when it is too long or has control characters. */
function checkedName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  if (trimmed === '') return undefined;
  const unsafe = UNSAFE_NAME_CHAR.exec(trimmed);
  if (unsafe !== null) {
    const cp = (unsafe[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    throw new ShareLinkError(`The knowledge base name contains the control character U+${cp}`);
  }
  const length = Array.from(trimmed).length;
  if (length > MAX_NAME_LENGTH) throw new ShareLinkError(`The knowledge base name is ${length} characters long; at most ${MAX_NAME_LENGTH} are allowed`);
  return trimmed;
}

function encodeKey(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) {
    throw new ShareLinkError(`A knowledge base key is ${KEY_BYTES} bytes, not ${key instanceof Uint8Array ? key.byteLength : typeof key}`);
  }
  return z32.encode(key);
}

function decodeKey(text: string): Uint8Array {
  if (text.length === 0) throw new ShareLinkError('The link has no knowledge base key');
  if (!Z32_KEY.test(text)) {
    const bad = Array.from(text).find((c) => !Z32_ALPHABET.includes(c));
    if (bad !== undefined) {
      const hint = Z32_ALPHABET.includes(bad.toLowerCase()) ? ' (keys are lowercase)' : '';
      throw new ShareLinkError(`The key contains ${JSON.stringify(bad)}, which is not a z-base-32 character${hint}`);
    }
    throw new ShareLinkError(`The key is ${text.length} characters long; a knowledge base key is ${KEY_CHARS}`);
  }
  const key = z32.decode(text);
  // 52 characters carry 260 bits: the last 4 must be zero, or two spellings would name one key.
  if (key.byteLength !== KEY_BYTES || z32.encode(key) !== text) throw new ShareLinkError('The key is not a canonical z-base-32 encoding of 32 bytes');
  return new Uint8Array(key);
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
