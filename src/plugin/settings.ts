// The plugin's settings as kept in data.json: preferences only. Keys, recovery words and the store live
// in the data folder outside the vault (data.json sits in the vault and every sync tool copies it).
import { defaultDataFolder } from '../engine/data-folder';
import type { MountMode } from '../mount/mount';
import type { WalletConfig, WalletKind } from '../peer/peer-api';

/** What the user can set. */
export interface TzimtzumSettings {
  /** Where the identity and store live; empty means the per-user default. */
  dataFolder: string;
  /** DHT bootstrap nodes as `host:port,...`; empty means the public DHT. */
  bootstrap: string;
  /** Vault folder that subscribed knowledge bases appear under. */
  mountRoot: string;
  defaultMountMode: MountMode;
  /** Globs left out of shared folders. */
  ignore: string[];
  maxFileMegabytes: number;
  maxFiles: number;
  /** Subscriptions whose executable code blocks are written as they are (the user opted in). */
  allowCode: string[];
  /** The wallet paid notes are sold and bought with (`none`: pay invoices with any Lightning wallet). */
  wallet: WalletKind;
  /** The local ledger's file, for development (wallet `local`). */
  ledgerFile: string;
  /** The most "Pay with my wallet" spends on routing fees, in sats. */
  maxFeeSats: number;
}

export const DEFAULT_SETTINGS: TzimtzumSettings = {
  dataFolder: '',
  bootstrap: '',
  mountRoot: 'Knowledge bases',
  defaultMountMode: 'full',
  ignore: ['.trash/**', '**/.DS_Store'],
  maxFileMegabytes: 100,
  maxFiles: 50_000,
  allowCode: [],
  wallet: 'none',
  ledgerFile: '',
  maxFeeSats: 100,
};

const WALLETS: readonly WalletKind[] = ['none', 'spark', 'spark-regtest', 'local'];

/** Settings from data.json, with anything missing or malformed replaced by its default. */
export function readSettings(raw: unknown): TzimtzumSettings {
  const data = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const text = (key: keyof TzimtzumSettings, fallback: string) => (typeof data[key] === 'string' ? data[key] : fallback);
  const count = (key: keyof TzimtzumSettings, fallback: number) => {
    const value = data[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
  };
  const list = (key: keyof TzimtzumSettings, fallback: string[]) => {
    const value = data[key];
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : [...fallback];
  };
  return {
    dataFolder: text('dataFolder', DEFAULT_SETTINGS.dataFolder),
    bootstrap: text('bootstrap', DEFAULT_SETTINGS.bootstrap),
    mountRoot: text('mountRoot', DEFAULT_SETTINGS.mountRoot) || DEFAULT_SETTINGS.mountRoot,
    defaultMountMode: data.defaultMountMode === 'lazy' ? 'lazy' : 'full',
    ignore: list('ignore', DEFAULT_SETTINGS.ignore),
    maxFileMegabytes: count('maxFileMegabytes', DEFAULT_SETTINGS.maxFileMegabytes),
    maxFiles: count('maxFiles', DEFAULT_SETTINGS.maxFiles),
    allowCode: list('allowCode', DEFAULT_SETTINGS.allowCode),
    wallet: WALLETS.find((kind) => kind === data.wallet) ?? DEFAULT_SETTINGS.wallet,
    ledgerFile: text('ledgerFile', DEFAULT_SETTINGS.ledgerFile),
    maxFeeSats: typeof data.maxFeeSats === 'number' && Number.isSafeInteger(data.maxFeeSats) && data.maxFeeSats >= 0 ? data.maxFeeSats : DEFAULT_SETTINGS.maxFeeSats,
  };
}

/** The data folder these settings point at. */
export function dataFolderOf(settings: TzimtzumSettings): string {
  return settings.dataFolder.trim() || defaultDataFolder();
}

/** The wallet these settings choose, as the peer takes it. */
export function walletOf(settings: TzimtzumSettings): WalletConfig {
  return { kind: settings.wallet, ledgerFile: settings.ledgerFile };
}
