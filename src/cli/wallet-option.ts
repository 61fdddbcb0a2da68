// `--wallet` (TZIMTZUM_WALLET): which payment rail this peer sells and buys paid notes with.
//   spark            Lightning through Spark, mainnet, from the identity's recovery words (needs the network)
//   spark-regtest    the same on Spark's REGTEST network, for trying payments without real money
//   local:<file>     a local ledger shared through a file, for development, tests and the demo
// Without it a peer sells nothing and pays with no wallet (readers can still pay an invoice elsewhere).
import type { Identity } from '../engine/identity';
import { LocalLedger } from '../payments/local-ledger';
import { LocalRail } from '../payments/local-rail';
import type { PaymentRail } from '../payments/payment-rail';
import { SparkRail } from '../payments/spark-rail';
import { UsageError } from './options';

/** Build the rail a `--wallet` value names, or null for none. */
export function railFromOption(spec: string | undefined, identity: Identity): PaymentRail | null {
  if (!spec) return null;
  if (spec === 'spark') return new SparkRail({ words: identity, network: 'MAINNET' });
  if (spec === 'spark-regtest') return new SparkRail({ words: identity, network: 'REGTEST' });
  if (spec.startsWith('local:') && spec.length > 'local:'.length) {
    return new LocalRail({ ledger: new LocalLedger({ file: spec.slice('local:'.length) }), wallet: localWalletName(identity) });
  }
  throw new UsageError(`"${spec}" is not a wallet. Use spark, spark-regtest, or local:<ledger file>.`);
}

/** A user's wallet name on a local ledger: their identity's fingerprint. */
export function localWalletName(identity: Identity): string {
  return identity.fingerprint();
}
