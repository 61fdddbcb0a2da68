// `tzimtzum init`: create an identity (24 recovery words) or import one, into the data folder.
import { randomInt } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { Identity, validateMnemonic } from '../engine/identity';
import { identityExists, identityFileOf, saveIdentity } from '../engine/identity-file';
import { markRecoveryPending } from '../peer/device-recovery';
import type { ParsedCommandLine } from './options';
import { UsageError } from './options';
import type { Output } from './output';

/** Create or import the identity; never overwrites an existing one. */
export async function initCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  const file = identityFileOf(cli.global.dataDir);
  if (await identityExists(file)) {
    throw new UsageError(`An identity already exists in ${cli.global.dataDir}. Use another --data folder, or delete ${file} only if you have its recovery words.`);
  }
  await fs.mkdir(cli.global.dataDir, { recursive: true, mode: 0o700 });
  const passphrase = process.env.TZIMTZUM_PASSPHRASE || undefined;
  if (cli.flags.import) {
    const words = validateMnemonic(await readStdin());
    // A new device gets a fresh index; reusing one forks its writer cores, so it must be asked for.
    const deviceIndex = cli.flags.device !== undefined ? parseDevice(String(cli.flags.device)) : randomInt(1, 2 ** 31);
    await saveIdentity(file, { mnemonic: words, deviceIndex }, { passphrase });
    const identity = new Identity(words);
    out.say(`Imported identity ${identity.fingerprint()} as device ${deviceIndex}.`, { event: 'identity', fingerprint: identity.fingerprint(), deviceIndex, imported: true });
    if (cli.flags.device !== undefined) {
      // Reusing an index: nothing may be written before that device's history is back from peers.
      await markRecoveryPending(cli.global.dataDir, deviceIndex);
      out.say(`Device ${deviceIndex} is reused. Run "tzimtzum recover" while a peer that follows your knowledge bases is online; sharing waits until then.`);
    }
    return;
  }
  const identity = Identity.create();
  await saveIdentity(file, { mnemonic: identity.walletMnemonic(), deviceIndex: 0 }, { passphrase });
  if (out.json) {
    out.event({ event: 'identity', fingerprint: identity.fingerprint(), deviceIndex: 0, imported: false, file });
    return;
  }
  out.say(`Created identity ${identity.fingerprint()} in ${file}${passphrase ? ' (encrypted with your passphrase)' : ''}.`);
  out.say('Your recovery words (write them down; they are your identity and your wallet):');
  out.say(`\n  ${identity.walletMnemonic()}\n`);
}

function parseDevice(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new UsageError(`--device must be a whole number, got "${text}".`);
  return value;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Type or paste your recovery words, then press Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
