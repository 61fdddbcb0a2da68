import { describe, expect, it } from 'vitest';
import BlindPairing from 'blind-pairing';
import crypto from 'hypercore-crypto';
import z32 from 'z32';
import {
  encodeInviteCode,
  INVITE_CODE_CHARS,
  InviteCodeError,
  inviteLinks,
  isExpired,
  parseInvite,
  parseObsidianInviteParams,
} from '../../src/writers/invite-code';

// A fixed knowledge base key and seed so failures are readable.
const KB_KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const SEED = Buffer.alloc(32, 7);
const EXPIRES = Date.UTC(2030, 0, 1);
const created = BlindPairing.createInvite(KB_KEY, { expires: EXPIRES, seed: SEED });
const CODE = z32.encode(created.invite);

function errorOf(run: () => unknown): InviteCodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof InviteCodeError) return error;
    throw error;
  }
  throw new Error('expected an InviteCodeError');
}

describe('invite codes', () => {
  it('spells a blind-pairing invite as 112 characters of z-base-32', () => {
    expect(encodeInviteCode(created.invite)).toBe(CODE);
    expect(CODE).toHaveLength(INVITE_CODE_CHARS);
    expect(CODE).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]+$/);
  });

  it('tells the invite id, the discovery key and the expiry without contacting anyone', () => {
    const parsed = parseInvite(CODE);
    expect(parsed.code).toBe(CODE);
    expect(parsed.invite.equals(created.invite)).toBe(true);
    expect(parsed.id.equals(created.id)).toBe(true);
    expect(parsed.discoveryKey.equals(crypto.discoveryKey(KB_KEY))).toBe(true);
    expect(parsed.expires).toBe(EXPIRES);
  });

  it('is expired from its expiry on, not before', () => {
    const parsed = parseInvite(CODE);
    expect(isExpired(parsed, EXPIRES - 1)).toBe(false);
    expect(isExpired(parsed, EXPIRES)).toBe(true);
  });

  it('writes both link forms and reads each back, with surrounding whitespace and a trailing slash', () => {
    const links = inviteLinks(CODE);
    expect(links).toEqual({ link: `tzimtzum://invite/${CODE}`, obsidian: `obsidian://tzimtzum?invite=${CODE}` });
    expect(parseInvite(`  ${links.link}\n`).code).toBe(CODE);
    expect(parseInvite(`${links.link}/`).code).toBe(CODE);
    expect(parseInvite(links.obsidian).code).toBe(CODE);
    expect(parseObsidianInviteParams({ action: 'tzimtzum', invite: CODE }).code).toBe(CODE);
  });
});

describe('strict parsing', () => {
  it('refuses empty text and text that is far too long', () => {
    expect(errorOf(() => parseInvite('   ')).message).toMatch(/empty/);
    expect(errorOf(() => parseInvite('y'.repeat(5000))).message).toMatch(/more than any valid invite/);
  });

  it('refuses an uppercase code, naming the character', () => {
    expect(errorOf(() => parseInvite(CODE.toUpperCase())).message).toMatch(/codes are lowercase/);
  });

  it('refuses a code that was cut off', () => {
    expect(errorOf(() => parseInvite(CODE.slice(0, -3))).message).toMatch(/109 characters long; an invite code is 112 \(was it cut off\?\)/);
  });

  it('refuses an invite without an expiry or without a knowledge base', () => {
    const forever = BlindPairing.createInvite(KB_KEY, { seed: SEED }).invite;
    expect(errorOf(() => encodeInviteCode(forever)).message).toMatch(/invite code is 106 characters/);
    // Same length as a good code, other flags: sensitive (4) instead of the expiry.
    const odd = Buffer.from(created.invite);
    odd[1] = 1 | 4;
    expect(errorOf(() => parseInvite(z32.encode(odd))).message).toMatch(/not one Tzimtzum issues/);
  });

  it('refuses an invite of an unknown format version with advice to update', () => {
    const newer = Buffer.from(created.invite);
    newer[0] = 2;
    expect(errorOf(() => parseInvite(z32.encode(newer))).message).toMatch(/format version 2.*update Tzimtzum/);
  });

  it('recognizes a share link pasted where an invite is expected', () => {
    const key = z32.encode(KB_KEY);
    expect(errorOf(() => parseInvite(`tzimtzum://${key}`)).message).toMatch(/share link, for subscribing/);
    expect(errorOf(() => parseInvite(`obsidian://tzimtzum?kb=${key}`)).message).toMatch(/share link, for subscribing/);
  });

  it('refuses unknown parameters, repeated parameters, fragments and other schemes', () => {
    expect(errorOf(() => parseInvite(`tzimtzum://invite/${CODE}?role=owner`)).message).toMatch(/carry none/);
    expect(errorOf(() => parseInvite(`obsidian://tzimtzum?invite=${CODE}&role=owner`)).message).toMatch(/"role"/);
    expect(errorOf(() => parseInvite(`obsidian://tzimtzum?invite=${CODE}&invite=${CODE}`)).message).toMatch(/twice/);
    expect(errorOf(() => parseInvite(`obsidian://tzimtzum?invite=${CODE}&__proto__=x`)).message).toMatch(/"__proto__"/);
    expect(errorOf(() => parseInvite(`tzimtzum://invite/${CODE}#x`)).message).toMatch(/fragment/);
    expect(errorOf(() => parseInvite(`https://example.org/invite/${CODE}`)).message).toMatch(/"https:" links are not writer invites/);
    expect(errorOf(() => parseObsidianInviteParams({ action: 'other', invite: CODE })).message).toMatch(/for "other"/);
    expect(errorOf(() => parseObsidianInviteParams({ action: 'tzimtzum' })).message).toMatch(/no "invite" parameter/);
  });

  it('says what a good invite looks like in every error', () => {
    const error = errorOf(() => parseInvite('nonsense'));
    expect(error.code).toBe('invite-code-invalid');
    expect(error.message).toMatch(/A writer invite is a code of 112 characters/);
  });
});
