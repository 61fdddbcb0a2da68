import { describe, expect, it } from 'vitest';
import z32 from 'z32';
import {
  formatObsidianLink,
  formatShareLink,
  MAX_NAME_LENGTH,
  parseObsidianParams,
  parseShareLink,
  ShareLinkError,
} from '../../src/net/share-link.js';

// A fixed key so failures are readable; bytes 0..31.
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY_TEXT = z32.encode(KEY);

function errorOf(run: () => unknown): ShareLinkError {
  try {
    run();
  } catch (error) {
    if (error instanceof ShareLinkError) return error;
    throw error;
  }
  throw new Error('expected a ShareLinkError');
}

describe('formatting', () => {
  it('writes a tzimtzum link with the z-base-32 key and the percent-encoded title', () => {
    expect(KEY_TEXT).toHaveLength(52);
    expect(formatShareLink({ key: KEY, name: 'Garden notes & more' })).toBe(`tzimtzum://${KEY_TEXT}?name=Garden%20notes%20%26%20more`);
  });

  it('writes an Obsidian protocol link', () => {
    expect(formatObsidianLink({ key: KEY, name: 'Garden' })).toBe(`obsidian://tzimtzum?kb=${KEY_TEXT}&name=Garden`);
  });

  it('leaves the name out when there is none or it is blank', () => {
    expect(formatShareLink({ key: KEY })).toBe(`tzimtzum://${KEY_TEXT}`);
    expect(formatObsidianLink({ key: KEY, name: '   ' })).toBe(`obsidian://tzimtzum?kb=${KEY_TEXT}`);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => formatShareLink({ key: new Uint8Array(31) })).toThrow(ShareLinkError);
  });

  it('refuses a name it could not parse back', () => {
    expect(() => formatShareLink({ key: KEY, name: 'a\nb' })).toThrow(ShareLinkError);
    expect(() => formatShareLink({ key: KEY, name: 'x'.repeat(MAX_NAME_LENGTH + 1) })).toThrow(ShareLinkError);
  });
});

describe('parsing', () => {
  it('reads a tzimtzum link', () => {
    expect(parseShareLink(`tzimtzum://${KEY_TEXT}?name=Garden%20notes`)).toEqual({ key: KEY, name: 'Garden notes' });
  });

  it('reads an Obsidian protocol link', () => {
    expect(parseShareLink(`obsidian://tzimtzum?kb=${KEY_TEXT}&name=Garden`)).toEqual({ key: KEY, name: 'Garden' });
  });

  it('reads a bare key', () => {
    expect(parseShareLink(KEY_TEXT)).toEqual({ key: KEY });
  });

  it('trims whitespace and newlines pasted around the link', () => {
    expect(parseShareLink(`  \n tzimtzum://${KEY_TEXT}\t\n`)).toEqual({ key: KEY });
  });

  it('tolerates a trailing slash and an upper-case scheme', () => {
    expect(parseShareLink(`TZIMTZUM://${KEY_TEXT}/?name=x`)).toEqual({ key: KEY, name: 'x' });
  });

  it('reads a + in the query as a space', () => {
    expect(parseShareLink(`tzimtzum://${KEY_TEXT}?name=Garden+notes`).name).toBe('Garden notes');
  });

  it('treats an empty name as no name', () => {
    expect(parseShareLink(`tzimtzum://${KEY_TEXT}?name=`)).toEqual({ key: KEY });
  });

  it('reads the parameters Obsidian hands its protocol handler', () => {
    expect(parseObsidianParams({ action: 'tzimtzum', kb: KEY_TEXT, name: 'Garden & co' })).toEqual({ key: KEY, name: 'Garden & co' });
  });
});

describe('round trips', () => {
  const names = [undefined, 'Garden', 'Ünïcödé 日本語 👩\u200d💻', 'a+b=c&d?e#f/g%h', 'x'.repeat(MAX_NAME_LENGTH)];

  it('parses what formatShareLink writes', () => {
    for (const name of names) expect(parseShareLink(formatShareLink({ key: KEY, name }))).toEqual(name === undefined ? { key: KEY } : { key: KEY, name });
  });

  it('parses what formatObsidianLink writes', () => {
    for (const name of names) expect(parseShareLink(formatObsidianLink({ key: KEY, name }))).toEqual(name === undefined ? { key: KEY } : { key: KEY, name });
  });

  it('keeps every key intact', () => {
    for (const fill of [0, 0x55, 0xaa, 0xff]) {
      const key = new Uint8Array(32).fill(fill);
      expect(parseShareLink(formatShareLink({ key })).key).toEqual(key);
    }
  });
});

describe('bad links', () => {
  it('rejects an empty link', () => {
    expect(errorOf(() => parseShareLink('   ')).message).toMatch(/empty/u);
  });

  it('rejects a key that is too short or too long', () => {
    expect(errorOf(() => parseShareLink(KEY_TEXT.slice(0, 51))).message).toMatch(/51 characters long; a knowledge base key is 52/u);
    expect(errorOf(() => parseShareLink(`${KEY_TEXT}y`)).message).toMatch(/53 characters/u);
  });

  it('rejects characters outside the z-base-32 alphabet, and says keys are lowercase', () => {
    expect(errorOf(() => parseShareLink(`0${KEY_TEXT.slice(1)}`)).message).toMatch(/"0", which is not a z-base-32 character/u);
    expect(errorOf(() => parseShareLink(KEY_TEXT.toUpperCase())).message).toMatch(/keys are lowercase/u);
  });

  it('rejects a non-canonical key whose padding bits are set', () => {
    // The 52nd character carries the key's last bit and 4 bits of padding; set one padding bit.
    const alphabet = 'ybndrfg8ejkmcpqxot1uwisza345h769';
    const last = alphabet.indexOf(KEY_TEXT.at(-1) ?? '');
    const padded = alphabet[last | 0b00001] ?? '';
    expect(errorOf(() => parseShareLink(`${KEY_TEXT.slice(0, 51)}${padded}`)).message).toMatch(/canonical/u);
  });

  it('rejects unknown query parameters rather than ignoring them', () => {
    expect(errorOf(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=x&invite=abc`)).message).toMatch(/"invite"/u);
    expect(() => parseShareLink(`obsidian://tzimtzum?kb=${KEY_TEXT}&extra=1`)).toThrow(ShareLinkError);
    expect(() => parseObsidianParams(Object.fromEntries([['kb', KEY_TEXT], ['__proto__', 'x']]) as Record<string, string>)).toThrow(ShareLinkError);
  });

  it('rejects a parameter given twice', () => {
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=a&name=b`)).toThrow(/twice/u);
  });

  it('rejects control characters and bidi controls in the name', () => {
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=a%0Ab`)).toThrow(/U\+000A/u);
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=a%E2%80%AEb`)).toThrow(/U\+202E/u);
  });

  it('rejects a name longer than the cap', () => {
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=${'x'.repeat(MAX_NAME_LENGTH + 1)}`)).toThrow(/at most 200/u);
  });

  it('rejects broken percent-encoding', () => {
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}?name=%E0%A4`)).toThrow(/percent-encoded/u);
  });

  it('rejects other schemes, other Obsidian actions and a missing kb', () => {
    expect(() => parseShareLink(`https://example.com/${KEY_TEXT}`)).toThrow(/not share links/u);
    expect(() => parseShareLink(`obsidian://open?vault=x`)).toThrow(/opens "open"/u);
    expect(() => parseShareLink('obsidian://tzimtzum?name=x')).toThrow(/no "kb" parameter/u);
    expect(() => parseShareLink(`tzimtzum:${KEY_TEXT}`)).toThrow(/tzimtzum:\/\//u);
  });

  it('rejects a fragment', () => {
    expect(() => parseShareLink(`tzimtzum://${KEY_TEXT}#x`)).toThrow(/fragment/u);
  });

  it('tells the user what a good link looks like', () => {
    const error = errorOf(() => parseShareLink('nonsense'));
    expect(error.code).toBe('share-link-invalid');
    expect(error.message).toMatch(/A share link looks like tzimtzum:\/\/<key>\?name=<title> or obsidian:\/\/tzimtzum\?kb=<key>&name=<title>/u);
  });
});

describe('the view and tree keys', () => {
  const view = new Uint8Array(32).fill(9);
  const tree = new Uint8Array(32).fill(7);

  it('travel in both link forms and read back', () => {
    for (const link of [formatShareLink({ key: KEY, name: 'Garden', view, tree }), formatObsidianLink({ key: KEY, name: 'Garden', view, tree })]) {
      const parsed = parseShareLink(link);
      expect(Buffer.from(parsed.view!).equals(Buffer.from(view))).toBe(true);
      expect(Buffer.from(parsed.tree!).equals(Buffer.from(tree))).toBe(true);
      expect(parsed.name).toBe('Garden');
    }
  });

  it('are optional: links without them parse as before', () => {
    const parsed = parseShareLink(formatShareLink({ key: KEY }));
    expect(parsed.view).toBeUndefined();
    expect(parsed.tree).toBeUndefined();
    expect(parseShareLink(formatShareLink({ key: KEY, view })).tree).toBeUndefined();
  });

  it('refuse a key that is not 32 bytes of z-base-32', () => {
    expect(errorOf(() => parseShareLink(`tzimtzum://${KEY_TEXT}?view=abc`)).code).toBe('share-link-invalid');
    expect(errorOf(() => parseShareLink(`tzimtzum://${KEY_TEXT}?tree=abc`)).code).toBe('share-link-invalid');
    expect(errorOf(() => parseShareLink(`obsidian://tzimtzum?kb=${KEY_TEXT}&tree=${KEY_TEXT.toUpperCase()}`)).code).toBe('share-link-invalid');
  });
});
