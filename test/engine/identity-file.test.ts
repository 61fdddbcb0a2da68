import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sodium from 'sodium-universal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateMnemonic, Identity, IdentityError } from '../../src/engine/identity.js';
import {
  defaultIdentityFile,
  identityExists,
  identityIsEncrypted,
  loadIdentity,
  saveIdentity,
} from '../../src/engine/identity-file.js';

const posix = process.platform !== 'win32';
const mnemonic = generateMnemonic();
let root: string;
let file: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tzimtzum-identity-file-'));
  file = path.join(root, 'config', 'identity.json');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<IdentityError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof IdentityError) return err;
    throw err;
  }
  throw new Error('expected an IdentityError');
}

async function readJson(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

async function rewrite(change: (json: Record<string, unknown>) => void): Promise<void> {
  const json = await readJson();
  change(json);
  await writeFile(file, JSON.stringify(json));
}

describe('an identity file without a passphrase', () => {
  it('round-trips the words and the device index', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 3 });
    const loaded = await loadIdentity(file);
    expect(loaded.deviceIndex).toBe(3);
    expect(loaded.identity.fingerprint()).toBe(new Identity(mnemonic).fingerprint());
    expect(loaded.warnings).toEqual([]);
  });

  it('is written in the documented version-1 format', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    expect(await readJson()).toEqual({ version: 1, deviceIndex: 0, encrypted: false, mnemonic });
  });

  it.runIf(posix)('is readable by the user alone, in a folder created for the user alone', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
  });

  it('replaces an earlier file and leaves no temporary files behind', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    await saveIdentity(file, { mnemonic, deviceIndex: 5 });
    expect((await loadIdentity(file)).deviceIndex).toBe(5);
    expect(await readdir(path.dirname(file))).toEqual(['identity.json']);
  });

  it('stores the words in their canonical form', async () => {
    await saveIdentity(file, { mnemonic: `  ${mnemonic.toUpperCase()}\n`, deviceIndex: 0 });
    expect((await readJson()).mnemonic).toBe(mnemonic);
  });

  it('refuses to save invalid words', async () => {
    const error = await rejection(saveIdentity(file, { mnemonic: 'hello world', deviceIndex: 0 }));
    expect(error.code).toBe('wrong-word-count');
    expect(await identityExists(file)).toBe(false);
  });

  it('refuses to save an invalid device index', async () => {
    expect((await rejection(saveIdentity(file, { mnemonic, deviceIndex: -1 }))).code).toBe('invalid-device-index');
  });

  it.runIf(posix)('tightens a file that other users can read, and says so', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    await chmod(file, 0o644);
    const { warnings } = await loadIdentity(file);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('0644');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('an identity file with a passphrase', () => {
  it('keeps the words out of the file and opens with the passphrase', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 2 }, { passphrase: 'correct horse' });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(mnemonic);
    expect(JSON.parse(text)).not.toHaveProperty('mnemonic');
    // Searched in the values only: some words are also the file's own keys ("version", "device"). Long words
    // only: a short one ("art", "act") can occur by chance inside the base64 of the sealed box.
    const values = JSON.stringify(Object.values(JSON.parse(text) as Record<string, unknown>));
    for (const word of mnemonic.split(' ').filter((w) => w.length >= 6)) expect(values).not.toMatch(new RegExp(`\\b${word}\\b`, 'u'));
    const loaded = await loadIdentity(file, { passphrase: 'correct horse' });
    expect(loaded.identity.walletMnemonic()).toBe(mnemonic);
    expect(loaded.deviceIndex).toBe(2);
  });

  it('records Argon2id with moderate limits, a salt and a nonce', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'pw' });
    const json = await readJson();
    expect(Object.keys(json).sort()).toEqual(['box', 'deviceIndex', 'encrypted', 'kdf', 'nonce', 'version']);
    expect(json).toMatchObject({
      version: 1,
      encrypted: true,
      kdf: { alg: 'argon2id13', ops: sodium.crypto_pwhash_OPSLIMIT_MODERATE, mem: sodium.crypto_pwhash_MEMLIMIT_MODERATE },
    });
    expect(await identityIsEncrypted(file)).toBe(true);
  });

  it('rejects a wrong passphrase', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'right' });
    const error = await rejection(loadIdentity(file, { passphrase: 'wrong' }));
    expect(error.code).toBe('wrong-passphrase');
  });

  it('asks for the passphrase when none is given', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'right' });
    expect((await rejection(loadIdentity(file))).code).toBe('passphrase-required');
  });

  it('opens with the same passphrase typed in another Unicode form', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'caf\u00e9' });
    await expect(loadIdentity(file, { passphrase: 'cafe\u0301' })).resolves.toMatchObject({ deviceIndex: 0 });
  });

  it('treats an empty passphrase as none', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: '' });
    expect(await identityIsEncrypted(file)).toBe(false);
  });
});

describe('loading a missing or damaged identity file', () => {
  it('says to run tzimtzum init when there is no identity', async () => {
    const error = await rejection(loadIdentity(file));
    expect(error.code).toBe('no-identity');
    expect(error.message).toContain('tzimtzum init');
  });

  it('reports whether an identity exists', async () => {
    expect(await identityExists(file)).toBe(false);
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    expect(await identityExists(file)).toBe(true);
  });

  it('rejects a file that is not JSON', async () => {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '{"version": 1, "devi');
    expect((await rejection(loadIdentity(file))).code).toBe('corrupt-identity');
  });

  it('rejects a file from a newer Tzimtzum, saying to update', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    await rewrite((json) => (json.version = 2));
    const error = await rejection(loadIdentity(file));
    expect(error.code).toBe('unsupported-version');
    expect(error.message).toMatch(/Update Tzimtzum/u);
  });

  it('rejects a file with fields it does not know', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    await rewrite((json) => (json.extra = true));
    expect((await rejection(loadIdentity(file))).code).toBe('corrupt-identity');
  });

  it('rejects a file whose words are damaged', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 });
    await rewrite((json) => (json.mnemonic = String(json.mnemonic).split(' ').slice(1).join(' ')));
    const error = await rejection(loadIdentity(file));
    expect(error.code).toBe('corrupt-identity');
    expect(error.message).toContain('recovery words');
  });

  it('rejects a file whose sealed words are truncated', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'pw' });
    await rewrite((json) => (json.box = Buffer.alloc(8).toString('base64')));
    expect((await rejection(loadIdentity(file, { passphrase: 'pw' }))).code).toBe('corrupt-identity');
  });

  it('rejects a file with absurd key derivation limits before deriving anything', async () => {
    await saveIdentity(file, { mnemonic, deviceIndex: 0 }, { passphrase: 'pw' });
    await rewrite((json) => ((json.kdf as Record<string, unknown>).mem = 2 ** 40));
    expect((await rejection(loadIdentity(file, { passphrase: 'pw' }))).code).toBe('corrupt-identity');
  });
});

describe('where an identity may be saved', () => {
  it('refuses a path inside a vault, writing nothing', async () => {
    await mkdir(path.join(root, 'Notes', '.obsidian'), { recursive: true });
    const inVault = path.join(root, 'Notes', 'private', 'identity.json');
    const error = await rejection(saveIdentity(inVault, { mnemonic, deviceIndex: 0 }));
    expect(error.code).toBe('inside-vault');
    expect(error.message).toContain(path.join(root, 'Notes'));
    expect(await readdir(path.join(root, 'Notes'))).toEqual(['.obsidian']);
  });

  it('refuses a path inside a synced folder', async () => {
    const synced = path.join(root, 'Dropbox', 'identity.json');
    expect((await rejection(saveIdentity(synced, { mnemonic, deviceIndex: 0 }))).code).toBe('inside-sync-folder');
  });

  it('defaults to identity.json in the data folder', () => {
    expect(defaultIdentityFile({ platform: 'linux', env: {}, home: '/home/ann' })).toBe(
      '/home/ann/.local/share/tzimtzum/identity.json',
    );
  });
});
