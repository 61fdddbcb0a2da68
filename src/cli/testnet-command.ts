// `tzimtzum testnet`: a local DHT on 127.0.0.1 for trying several peers on one machine.
import createTestnet from 'hyperdht/testnet.js';
import { formatBootstrap } from '../net/dht-settings';
import type { Output } from './output';

/** Start the DHT, print its bootstrap address, run until a signal. */
export async function testnetCommand(out: Output): Promise<void> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' });
  const bootstrap = formatBootstrap(testnet.bootstrap);
  if (out.json) out.event({ event: 'testnet', bootstrap });
  else {
    process.stdout.write(`${bootstrap}\n`);
    out.say(`Local DHT running. Use --bootstrap ${bootstrap} (or TZIMTZUM_BOOTSTRAP=${bootstrap}) for each peer. Ctrl-C stops it.`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await testnet.destroy();
}
