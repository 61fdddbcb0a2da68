// Writer invites as people pass them around: a code, or a link that carries one.
//
// The code is the z-base-32 spelling of a blind-pairing invite (version, flags, the invite's secret seed,
// the knowledge base's discovery key, the expiry in seconds): 70 bytes, always 112 characters. Two link
// forms carry it: `tzimtzum://invite/<code>` and `obsidian://tzimtzum?invite=<code>`. The code is a bearer
// secret until it is used or expires: whoever holds it may ask to become a writer.
//
// Parsing is as strict as share links: canonical lowercase z-base-32 of exactly one invite form (with a
// discovery key and an expiry, nothing else), no unknown link parameters. A share link pasted where an
// invite is expected gets a message that says so, not a decoding error.
import BlindPairing from 'blind-pairing';
import z32 from 'z32';

/** What a code says, read without contacting anyone. */
export interface InviteCode {
  /** The code as it travels (z-base-32). */
  code: string;
  /** The blind-pairing invite the code spells. */
  invite: Buffer;
  /** The invite's id, as the owner's device and the knowledge base's view know it. */
  id: Buffer;
  /** Discovery key of the knowledge base the invite is for (not its key: a code alone cannot read it). */
  discoveryKey: Buffer;
  /** Epoch ms after which the owner refuses the invite. */
  expires: number;
}

/** The two link spellings of one code. */
export interface InviteLinks {
  /** `tzimtzum://invite/<code>`, for chat and the command line. */
  link: string;
  /** `obsidian://tzimtzum?invite=<code>`, which opens Obsidian through its protocol handler. */
  obsidian: string;
}

/** Thrown for text that is not a writer invite; the message says what is wrong and what an invite looks like. */
export class InviteCodeError extends Error {
  override readonly name = 'InviteCodeError';
  readonly code = 'invite-code-invalid';
  constructor(problem: string) {
    super(`${problem}. ${GOOD_INVITE}`);
  }
}

/** Where the code sits in a Tzimtzum link: `tzimtzum://invite/<code>`. */
export const INVITE_LINK_PREFIX = 'tzimtzum://invite/';
/** Characters in every invite code. */
export const INVITE_CODE_CHARS = 112;

const INVITE_BYTES = 70;
const INVITE_VERSION = 1;
/** Flags of the one invite form Tzimtzum issues: a discovery key (1) and an expiry (2). */
const INVITE_FLAGS = 1 | 2;
const MAX_TEXT_LENGTH = 1024;
const Z32_ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
const OBSIDIAN_ACTION = 'tzimtzum';
const GOOD_INVITE = `A writer invite is a code of ${INVITE_CODE_CHARS} characters of z-base-32 (lowercase letters and digits without 0, 2, l or v), or a link ${INVITE_LINK_PREFIX}<code> or obsidian://${OBSIDIAN_ACTION}?invite=<code>`;

/** The code for a blind-pairing invite; throws `InviteCodeError` for an invite this module would not parse back. */
export function encodeInviteCode(invite: Uint8Array): string {
  if (!(invite instanceof Uint8Array)) throw new InviteCodeError('An invite must be bytes');
  const code = z32.encode(invite);
  decodeCode(code);
  return code;
}

/** Both link forms of a code (which is checked first). */
export function inviteLinks(code: string): InviteLinks {
  const checked = decodeCode(code).code;
  return { link: `${INVITE_LINK_PREFIX}${checked}`, obsidian: `obsidian://${OBSIDIAN_ACTION}?invite=${checked}` };
}

/** Parses a bare code or either link form, ignoring surrounding whitespace; throws `InviteCodeError`. */
export function parseInvite(text: string): InviteCode {
  if (typeof text !== 'string') throw new InviteCodeError('An invite must be text');
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new InviteCodeError('The invite is empty');
  if (trimmed.length > MAX_TEXT_LENGTH) throw new InviteCodeError(`The invite is ${trimmed.length} characters long, more than any valid invite`);
  const scheme = /^([a-z][a-z0-9+.-]*):/iu.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return decodeCode(trimmed);
  if (trimmed.includes('#')) throw new InviteCodeError('The invite link has a "#" fragment, which invite links never carry');
  const rest = trimmed.slice(scheme.length + 1);
  if (scheme === 'tzimtzum') return parseTzimtzumLink(rest);
  if (scheme === 'obsidian') return parseObsidianLink(rest);
  throw new InviteCodeError(`"${scheme}:" links are not writer invites`);
}

/**
 * Reads the parameters Obsidian passes to the `tzimtzum` protocol handler (already percent-decoded) when
 * they carry an invite; throws `InviteCodeError` like `parseInvite`.
 */
export function parseObsidianInviteParams(params: Readonly<Record<string, string | undefined>>): InviteCode {
  const { action, invite, kb, ...unknown } = params;
  if (action !== undefined && action !== OBSIDIAN_ACTION) throw new InviteCodeError(`The Obsidian link is for "${action}", not for ${OBSIDIAN_ACTION}`);
  if (kb !== undefined) throw new InviteCodeError('This is a share link, for subscribing; it does not make this device a writer');
  rejectUnknown(Object.keys(unknown));
  if (invite === undefined) throw new InviteCodeError('The Obsidian link has no "invite" parameter');
  return decodeCode(invite);
}

/** True once the invite's expiry has passed (the owner's device refuses it from then on). */
export function isExpired(invite: Pick<InviteCode, 'expires'>, now = Date.now()): boolean {
  return now >= invite.expires;
}

function parseTzimtzumLink(rest: string): InviteCode {
  if (!rest.startsWith('//')) throw new InviteCodeError(`The link must start with ${INVITE_LINK_PREFIX}`);
  const [target = '', query] = splitOnce(rest.slice(2), '?');
  if (!target.startsWith('invite/')) throw new InviteCodeError('This is a share link, for subscribing; it does not make this device a writer');
  if (query !== undefined) throw new InviteCodeError('The invite link has parameters; invite links carry none');
  // Some chat apps append a slash when they turn a link into a hyperlink.
  const code = target.slice('invite/'.length).replace(/\/$/u, '');
  return decodeCode(code);
}

function parseObsidianLink(rest: string): InviteCode {
  const [target = '', query] = splitOnce(rest, '?');
  const action = target.replace(/^\/\//u, '').replace(/\/$/u, '');
  if (action !== OBSIDIAN_ACTION) throw new InviteCodeError(`The Obsidian link opens "${action}", not ${OBSIDIAN_ACTION}`);
  // No prototype: a "__proto__" parameter is then a key like any other, and refused as unknown.
  const params = Object.create(null) as Record<string, string>;
  for (const pair of query === undefined || query === '' ? [] : query.split('&')) {
    const [rawKey = '', rawValue = ''] = splitOnce(pair, '=');
    const key = percentDecode(rawKey);
    if (Object.hasOwn(params, key)) throw new InviteCodeError(`The link has the "${key}" parameter twice`);
    params[key] = percentDecode(rawValue);
  }
  return parseObsidianInviteParams(params);
}

function decodeCode(code: string): InviteCode {
  if (code.length === 0) throw new InviteCodeError('The link has no invite code');
  const bad = Array.from(code).find((c) => !Z32_ALPHABET.includes(c));
  if (bad !== undefined) {
    const hint = Z32_ALPHABET.includes(bad.toLowerCase()) ? ' (codes are lowercase)' : '';
    throw new InviteCodeError(`The invite code contains ${JSON.stringify(bad)}, which is not a z-base-32 character${hint}`);
  }
  if (code.length !== INVITE_CODE_CHARS) throw new InviteCodeError(`The invite code is ${code.length} characters long; an invite code is ${INVITE_CODE_CHARS} (was it cut off?)`);
  const invite = z32.decode(code);
  if (invite.byteLength !== INVITE_BYTES || z32.encode(invite) !== code) throw new InviteCodeError('The invite code is not a canonical z-base-32 encoding');
  if (invite[0] !== INVITE_VERSION) throw new InviteCodeError(`The invite has format version ${invite[0]}, which this version of Tzimtzum does not know; update Tzimtzum`);
  // Exactly the form Tzimtzum issues: any other flag would change what the invite means or how long it is.
  if (invite[1] !== INVITE_FLAGS) throw new InviteCodeError('The invite is not one Tzimtzum issues (it must name a knowledge base and expire, and carry nothing else)');
  let fields: ReturnType<typeof BlindPairing.decodeInvite>;
  try {
    fields = BlindPairing.decodeInvite(invite);
  } catch {
    throw new InviteCodeError('The invite code does not decode as an invite');
  }
  if (fields.discoveryKey === null || fields.expires <= 0) throw new InviteCodeError('The invite must name a knowledge base and expire');
  return { code, invite: Buffer.from(invite), id: Buffer.from(fields.id), discoveryKey: Buffer.from(fields.discoveryKey), expires: fields.expires };
}

function rejectUnknown(keys: string[]): void {
  if (keys.length > 0) {
    throw new InviteCodeError(`The link has parameters this version does not understand (${keys.map((k) => `"${k}"`).join(', ')}); update Tzimtzum or ask for a new invite`);
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/gu, ' '));
  } catch {
    throw new InviteCodeError('The link is not valid percent-encoded UTF-8');
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
