// The BOLT11 library costs as much to load as the whole replication stack, so a peer (and the plugin or
// CLI around it) loads it only when an invoice is first read or made. Checked in a fresh Node process,
// where what has been loaded is known.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Teardown } from '../support/temp';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const teardown = new Teardown();
afterEach(() => teardown.run());

/** Runs `body` (an ES module) in a fresh Node with the TypeScript loader; returns what it printed as JSON. */
async function inFreshNode(body: string): Promise<unknown> {
  const script = path.join(await teardown.dir('tzimtzum-invoice-library-'), 'probe.mjs');
  await fs.writeFile(script, body);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { cwd: repo });
  return JSON.parse(stdout) as unknown;
}

describe('the BOLT11 library', () => {
  it('is not loaded with the peer or the CLI, only when an invoice is first read', async () => {
    const src = (file: string) => JSON.stringify(path.join(repo, 'src', file));
    const seen = await inFreshNode(`
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const loaded = () => Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]bolt11[\\\\/]/.test(file));
      await import(${src('peer/peer.ts')});
      await import(${src('cli/demo-command.ts')});
      const atStart = loaded();
      const { decodeInvoice } = await import(${src('payments/bolt11-invoice.ts')});
      const refused = await decodeInvoice('lnbcrt1damaged', 'regtest').then(() => null, (err) => err.code);
      console.log(JSON.stringify({ atStart, refused, afterReading: loaded() }));
    `);
    expect(seen).toEqual({ atStart: false, refused: 'invalid-invoice', afterReading: true });
  }, 60_000);
});
