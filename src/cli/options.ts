// Global options of the `tzimtzum` command; each has an environment variable too.
import { parseArgs } from 'node:util';
import { defaultDataFolder } from '../engine/data-folder';
import { parseBootstrap, type BootstrapNode } from '../net/dht-settings';

/** Options every command accepts. */
export interface GlobalOptions {
  dataDir: string;
  bootstrap: BootstrapNode[] | null;
  json: boolean;
  /** `--wallet` / TZIMTZUM_WALLET: spark, spark-regtest or local:<ledger file>. */
  wallet: string | undefined;
}

/** A command line parsed into a command, its positional arguments, its flags and the global options. */
export interface ParsedCommandLine {
  command: string | undefined;
  args: string[];
  flags: Record<string, string | boolean | undefined>;
  global: GlobalOptions;
}

/** Thrown for command lines that cannot work; the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  readonly code = 'usage';
}

/** Parse argv (without node and script). */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommandLine {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        data: { type: 'string' },
        bootstrap: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        lazy: { type: 'boolean' },
        title: { type: 'string' },
        description: { type: 'string' },
        author: { type: 'string' },
        ignore: { type: 'string', multiple: true },
        import: { type: 'boolean' },
        device: { type: 'string' },
        passphrase: { type: 'boolean' },
        'keep-files': { type: 'boolean' },
        'confirm-deletions': { type: 'boolean' },
        wallet: { type: 'string' },
        buy: { type: 'string', multiple: true },
        'max-fee': { type: 'string' },
        kb: { type: 'string' },
        role: { type: 'string' },
        expires: { type: 'string' },
        name: { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}. Run "tzimtzum --help" for usage.`);
  }
  const [command, ...args] = parsed.positionals;
  const { data, bootstrap, json, wallet, ...flags } = parsed.values;
  return {
    command: parsed.values.help ? 'help' : command,
    args,
    flags: { ...flags, ignore: flags.ignore?.join(','), buy: flags.buy?.join('\n') },
    global: {
      dataDir: data ?? env.TZIMTZUM_DATA ?? defaultDataFolder(),
      bootstrap: parseBootstrap(bootstrap ?? env.TZIMTZUM_BOOTSTRAP ?? null),
      json: json ?? env.TZIMTZUM_JSON === '1',
      wallet: wallet ?? env.TZIMTZUM_WALLET,
    },
  };
}

export const USAGE = `Usage: tzimtzum <command> [options]

Commands:
  init [--import] [--device N]     Create an identity (24 recovery words), or import one from stdin
  share <folder> [--kb <id>]       Publish a folder as a knowledge base; prints its link, keeps serving
                                   (--kb attaches a knowledge base restored by recover)
  recover                          After init --import --device N: restore that device's knowledge bases
  subscribe <link> <folder>        Follow a knowledge base into a read-only folder [--lazy]
                                   [--buy <note path>]... buy those paid notes with --wallet [--max-fee N]
  seed <link>...                   Keep knowledge bases available without mounting them
  unsubscribe <id|link>            Stop following a knowledge base (its files stay)
  invite <folder|id>               Invite another device of yours or a co-author to write a knowledge base
                                   you share; prints the code and links, keeps serving (answering the
                                   invite) until a signal, or exits 1 if it expires unused
                                   [--role owner|author] [--expires 1h|1d|7d] [--name <name>]
  join <code|link> <folder>        Become a writer with an invite; syncs into a new folder, keeps serving
                                   [--timeout <seconds>] (how long to wait for the owner's device; 30)
  writers <folder|id>              List the writers of a knowledge base you write, and unused invites
  remove-writer <folder|id> <key>  Stop a writer's future changes (owner devices only)
  revoke-invite <folder|id> <id>   Make an unused invite worthless (ids from "writers")
  status                           Show shared and followed knowledge bases, peers and sync state
  testnet                          Start a local DHT on 127.0.0.1 and print its bootstrap address
  demo                             Author and subscriber peers on a local DHT, live, then exit

Global options (each also an environment variable):
  --data <dir>             Data folder (TZIMTZUM_DATA; default: the per-user data folder)
  --bootstrap <host:port>  DHT bootstrap nodes, comma-separated (TZIMTZUM_BOOTSTRAP; default: public DHT)
  --json                   Machine-readable output, one JSON object per line (TZIMTZUM_JSON=1)
  --wallet <wallet>        Sell and buy paid notes with: spark, spark-regtest, local:<ledger file> (TZIMTZUM_WALLET)
`;
