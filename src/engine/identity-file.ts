// The identity file: the user's recovery words and this install's device index, kept outside every
// vault (vault sync tools would copy it) and readable by the user alone, optionally sealed with a passphrase.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import sodium from 'sodium-universal';
import { defaultDataFolder, findEnclosingVault, findSyncFolder, type SystemInfo } from './data-folder.js';
import { Identity, IdentityError, validateMnemonic } from './identity.js';

/** What the identity file records. */
export interface IdentityRecord {
  mnemonic: string;
  deviceIndex: number;
}

/** A loaded identity, with anything the user should be told about the file. */
export interface LoadedIdentity {
  identity: Identity;
  deviceIndex: number;
  warnings: string[];
}

/** How the identity file is protected. */
export interface PassphraseOptions {
  /** Seals (or opens) the words with this passphrase; empty or absent means stored in plain text. */
  passphrase?: string;
}

const FORMAT_VERSION = 1;
const KDF_ALG = 'argon2id13';
const MAX_DEVICE_INDEX = 0xffffffff;
// Far above what Tzimtzum writes (MODERATE: 3 passes, 256 MiB), low enough that a damaged file cannot
// make the app try to allocate terabytes.
const MAX_KDF_OPS = 16;
const MAX_KDF_MEM = 1024 * 1024 * 1024;

interface PlainFile {
  version: 1;
  deviceIndex: number;
  encrypted: false;
  mnemonic: string;
}

interface EncryptedFile {
  version: 1;
  deviceIndex: number;
  encrypted: true;
  kdf: { alg: typeof KDF_ALG; ops: number; mem: number; salt: string };
  nonce: string;
  box: string;
}

const IDENTITY_FILE = 'identity.json';

/** The identity file's usual place: in the per-user data folder, outside every vault. */
export function defaultIdentityFile(system: SystemInfo = {}): string {
  const platform = system.platform ?? process.platform;
  return (platform === 'win32' ? path.win32 : path.posix).join(defaultDataFolder(system), IDENTITY_FILE);
}

/** Where a data folder keeps the identity. */
export function identityFileOf(dataDir: string): string {
  return path.join(dataDir, IDENTITY_FILE);
}

/** Whether an identity file exists at `file`. */
export async function identityExists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Whether the identity file at `file` needs a passphrase to load. */
export async function identityIsEncrypted(file: string): Promise<boolean> {
  return decodeFile(file, await readIdentityText(file)).encrypted;
}

/** Writes the identity atomically with mode 0600, sealed when a passphrase is given; refuses vaults and synced folders. */
export async function saveIdentity(file: string, record: IdentityRecord, options: PassphraseOptions = {}): Promise<void> {
  const target = path.resolve(file);
  const dir = path.dirname(target);
  const mnemonic = validateMnemonic(record.mnemonic);
  checkDeviceIndex(record.deviceIndex, target);
  const vault = await findEnclosingVault(dir);
  if (vault !== null) {
    throw new IdentityError(
      'inside-vault',
      `Refusing to store your identity at ${target}: it is inside the Obsidian vault at ${vault}, and anything ` +
        'that syncs or shares the vault would copy your recovery words. Choose a path outside every vault.',
    );
  }
  // A synced identity file hands the same device index to two machines, which forks their stores.
  const sync = await findSyncFolder(dir);
  if (sync !== null) {
    throw new IdentityError(
      'inside-sync-folder',
      `Refusing to store your identity at ${target}: it is inside a ${sync.service} folder (${sync.folder}), which ` +
        'would copy your recovery words and this device\'s index to other machines. Choose a local path.',
    );
  }
  const passphrase = normalizePassphrase(options.passphrase);
  const content: PlainFile | EncryptedFile =
    passphrase === null
      ? { version: FORMAT_VERSION, deviceIndex: record.deviceIndex, encrypted: false, mnemonic }
      : await seal(mnemonic, passphrase, record.deviceIndex);
  await writeAtomically(target, JSON.stringify(content, null, 2) + '\n');
}

/** Reads the identity file; throws an `IdentityError` whose code says whether it is missing, sealed or damaged. */
export async function loadIdentity(file: string, options: PassphraseOptions = {}): Promise<LoadedIdentity> {
  const target = path.resolve(file);
  const decoded = decodeFile(target, await readIdentityText(target));
  const warnings = await tightenMode(target);
  let mnemonic: string;
  if (decoded.encrypted) {
    const passphrase = normalizePassphrase(options.passphrase);
    if (passphrase === null) {
      throw new IdentityError('passphrase-required', `The identity at ${target} is protected by a passphrase. Enter it to unlock.`);
    }
    mnemonic = await unseal(decoded, passphrase, target);
  } else {
    mnemonic = decoded.mnemonic;
  }
  let identity: Identity;
  try {
    identity = new Identity(mnemonic);
  } catch (err) {
    throw corrupt(target, `its recovery words are invalid (${(err as Error).message})`);
  }
  return { identity, deviceIndex: decoded.deviceIndex, warnings };
}

// The passphrase is typed on different systems and keyboards: NFKC makes equal-looking text equal bytes.
function normalizePassphrase(passphrase: string | undefined): string | null {
  if (passphrase === undefined || passphrase === '') return null;
  return passphrase.normalize('NFKC');
}

async function seal(mnemonic: string, passphrase: string, deviceIndex: number): Promise<EncryptedFile> {
  const ops = sodium.crypto_pwhash_OPSLIMIT_MODERATE;
  const mem = sodium.crypto_pwhash_MEMLIMIT_MODERATE;
  const salt = randomBytes(sodium.crypto_pwhash_SALTBYTES);
  const nonce = randomBytes(sodium.crypto_secretbox_NONCEBYTES);
  const key = await passphraseKey(passphrase, salt, ops, mem);
  const message = Buffer.from(mnemonic, 'utf8');
  const box = Buffer.alloc(message.byteLength + sodium.crypto_secretbox_MACBYTES);
  sodium.crypto_secretbox_easy(box, message, nonce, key);
  sodium.sodium_memzero(key);
  sodium.sodium_memzero(message);
  return {
    version: FORMAT_VERSION,
    deviceIndex,
    encrypted: true,
    kdf: { alg: KDF_ALG, ops, mem, salt: salt.toString('base64') },
    nonce: nonce.toString('base64'),
    box: box.toString('base64'),
  };
}

async function unseal(file: EncryptedFile, passphrase: string, target: string): Promise<string> {
  const salt = base64Field(file.kdf.salt, sodium.crypto_pwhash_SALTBYTES, 'kdf.salt', target);
  const nonce = base64Field(file.nonce, sodium.crypto_secretbox_NONCEBYTES, 'nonce', target);
  const box = base64Field(file.box, null, 'box', target);
  if (box.byteLength <= sodium.crypto_secretbox_MACBYTES) throw corrupt(target, 'its sealed words are truncated');
  const key = await passphraseKey(passphrase, salt, file.kdf.ops, file.kdf.mem).catch(() => {
    throw corrupt(target, 'its key derivation settings are out of range');
  });
  const message = Buffer.alloc(box.byteLength - sodium.crypto_secretbox_MACBYTES);
  const opened = sodium.crypto_secretbox_open_easy(message, box, nonce, key);
  sodium.sodium_memzero(key);
  if (!opened) {
    throw new IdentityError('wrong-passphrase', `That passphrase does not unlock the identity at ${target}. Check it and try again.`);
  }
  const mnemonic = message.toString('utf8');
  sodium.sodium_memzero(message);
  return mnemonic;
}

// Argon2id runs for about half a second with 256 MiB; off the main thread so the UI stays responsive.
async function passphraseKey(passphrase: string, salt: Buffer, ops: number, mem: number): Promise<Buffer> {
  const key = Buffer.alloc(sodium.crypto_secretbox_KEYBYTES);
  const password = Buffer.from(passphrase, 'utf8');
  try {
    await sodium.crypto_pwhash_async(key, password, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    sodium.sodium_memzero(password);
  }
  return key;
}

async function readIdentityText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new IdentityError(
        'no-identity',
        `No identity found at ${file}. Run \`tzimtzum init\` to create one, or to restore it from your recovery words.`,
      );
    }
    throw err;
  }
}

// Accepts exactly the version-1 shapes; anything else is a newer format or a damaged file.
function decodeFile(file: string, text: string): PlainFile | EncryptedFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(file, 'it is not valid JSON');
  }
  if (!isRecord(value)) throw corrupt(file, 'it is not a JSON object');
  if (value.version !== FORMAT_VERSION) {
    if (typeof value.version === 'number' && Number.isInteger(value.version) && value.version > FORMAT_VERSION) {
      throw new IdentityError(
        'unsupported-version',
        `The identity at ${file} was written by a newer Tzimtzum (format ${value.version}; this one reads ` +
          `format ${FORMAT_VERSION}). Update Tzimtzum to use it.`,
      );
    }
    throw corrupt(file, `its format version (${JSON.stringify(value.version)}) is not one Tzimtzum ever wrote`);
  }
  checkDeviceIndex(value.deviceIndex, file);
  if (value.encrypted === false) {
    expectKeys(value, ['version', 'deviceIndex', 'encrypted', 'mnemonic'], file);
    if (typeof value.mnemonic !== 'string') throw corrupt(file, 'its recovery words are missing');
    return value as unknown as PlainFile;
  }
  if (value.encrypted !== true) throw corrupt(file, 'it does not say whether it is encrypted');
  expectKeys(value, ['version', 'deviceIndex', 'encrypted', 'kdf', 'nonce', 'box'], file);
  const kdf = value.kdf;
  if (!isRecord(kdf)) throw corrupt(file, 'its key derivation settings are missing');
  expectKeys(kdf, ['alg', 'ops', 'mem', 'salt'], file);
  if (kdf.alg !== KDF_ALG) throw corrupt(file, `its key derivation ${JSON.stringify(kdf.alg)} is unknown`);
  if (!isPositiveInteger(kdf.ops) || !isPositiveInteger(kdf.mem) || kdf.ops > MAX_KDF_OPS || kdf.mem > MAX_KDF_MEM) {
    throw corrupt(file, 'its key derivation limits are invalid');
  }
  if (typeof kdf.salt !== 'string' || typeof value.nonce !== 'string' || typeof value.box !== 'string') {
    throw corrupt(file, 'its sealed words are missing');
  }
  return value as unknown as EncryptedFile;
}

function checkDeviceIndex(deviceIndex: unknown, file: string): asserts deviceIndex is number {
  if (typeof deviceIndex === 'number' && Number.isInteger(deviceIndex) && deviceIndex >= 0 && deviceIndex <= MAX_DEVICE_INDEX) {
    return;
  }
  throw new IdentityError(
    'invalid-device-index',
    `Invalid device index ${JSON.stringify(deviceIndex)} for the identity at ${file}: expected a whole number from 0 to ${MAX_DEVICE_INDEX}.`,
  );
}

function expectKeys(value: Record<string, unknown>, keys: string[], file: string): void {
  const unknown = Object.keys(value).filter((k) => !keys.includes(k));
  if (unknown.length > 0) throw corrupt(file, `it has fields Tzimtzum does not know (${unknown.join(', ')})`);
}

function base64Field(text: string, length: number | null, name: string, file: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/u.test(text) || text.length % 4 !== 0) throw corrupt(file, `its ${name} is not base64`);
  const bytes = Buffer.from(text, 'base64');
  if (length !== null && bytes.byteLength !== length) throw corrupt(file, `its ${name} has the wrong length`);
  return bytes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function corrupt(file: string, why: string): IdentityError {
  return new IdentityError(
    'corrupt-identity',
    `The identity file at ${file} is damaged: ${why}. Restore it from a backup, or move it aside and run ` +
      '`tzimtzum init` to restore your identity from your recovery words.',
  );
}

// The words are the keys to everything: a file others can read is tightened, and the user is told.
async function tightenMode(file: string): Promise<string[]> {
  if (process.platform === 'win32') return []; // POSIX mode bits mean nothing there; ACLs govern access.
  const { mode } = await stat(file);
  if ((mode & 0o077) === 0) return [];
  const was = (mode & 0o777).toString(8).padStart(4, '0');
  try {
    await chmod(file, 0o600);
    return [
      `The identity file at ${file} was readable by other users (mode ${was}); its mode is now 0600. ` +
        'If anyone else could have read it, create a new identity and move your knowledge bases to it.',
    ];
  } catch {
    return [
      `The identity file at ${file} is readable by other users (mode ${was}) and could not be changed. ` +
        `Run \`chmod 600 ${file}\`.`,
    ];
  }
}

// Temp file, fsync, rename: a crash leaves either the old identity or the new one, never half of one.
async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // open's mode passes through the umask; set it exactly
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncFolder(dir);
}

// Makes the rename itself durable; Windows cannot open a folder for fsync, and there it is not needed.
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
