// Which wallet a peer sells and buys paid notes with, as the plugin's settings name it, and the rail it
// becomes. A Spark rail is only constructed here: it opens the Spark wallet (and contacts the network)
// the first time it issues, quotes or pays an invoice.
import { LocalLedger } from '../payments/local-ledger';
import { LocalRail } from '../payments/local-rail';
import { PaymentError, type PaymentRail } from '../payments/payment-rail';
import { SparkRail, type WalletWords } from '../payments/spark-rail';

/** The wallet choice: none, Spark (real money or regtest), or a local ledger file for development. */
export type WalletKind = 'none' | 'spark' | 'spark-regtest' | 'local';

/** A wallet choice with what it needs. */
export interface WalletConfig {
  kind: WalletKind;
  /** The local ledger's file (kind `local` only). */
  ledgerFile?: string;
}

/** The rail a wallet choice names, or null for none; `localWallet` names this user's wallet on a local ledger. */
export function railFor(config: WalletConfig | undefined, words: WalletWords, localWallet: string): PaymentRail | null {
  switch (config?.kind ?? 'none') {
    case 'spark':
      return new SparkRail({ words, network: 'MAINNET' });
    case 'spark-regtest':
      return new SparkRail({ words, network: 'REGTEST' });
    case 'local': {
      const file = config?.ledgerFile?.trim();
      if (!file) throw new PaymentError('invalid-request', 'The local wallet needs a ledger file. Set it in the plugin settings, or choose another wallet.');
      return new LocalRail({ ledger: new LocalLedger({ file }), wallet: localWallet });
    }
    default:
      return null;
  }
}
