// Entry point of the `tzimtzum` command: parse, dispatch, turn errors into messages and exit codes.
// Each command's module is loaded when it runs: the replication stack takes ~0.5 s to load, which help,
// usage errors and `testnet` do not need.
import { parseCommandLine, USAGE, UsageError } from './options';
import { Output } from './output';

async function main(argv: string[]): Promise<number> {
  let out = new Output(argv.includes('--json'));
  try {
    const cli = parseCommandLine(argv);
    out = new Output(cli.global.json);
    switch (cli.command) {
      case 'init': await (await import('./init-command')).initCommand(cli, out); return 0;
      case 'share':
      case 'subscribe':
      case 'seed': await (await import('./serve-command')).serveCommand(cli, out); return 0;
      case 'unsubscribe': await (await import('./status-command')).unsubscribeCommand(cli, out); return 0;
      case 'invite': await (await import('./writer-commands')).inviteCommand(cli, out); return 0;
      case 'join': await (await import('./writer-commands')).joinCommand(cli, out); return 0;
      case 'writers': await (await import('./writer-commands')).writersCommand(cli, out); return 0;
      case 'remove-writer': await (await import('./writer-commands')).removeWriterCommand(cli, out); return 0;
      case 'revoke-invite': await (await import('./writer-commands')).revokeInviteCommand(cli, out); return 0;
      case 'status': await (await import('./status-command')).statusCommand(cli, out); return 0;
      case 'recover': await (await import('./status-command')).recoverCommand(cli, out); return 0;
      case 'testnet': await (await import('./testnet-command')).testnetCommand(out); return 0;
      case 'demo': return await (await import('./demo-command')).demoCommand(cli, out);
      case 'help':
      case undefined: process.stdout.write(USAGE); return cli.command === 'help' ? 0 : 2;
      default: throw new UsageError(`Unknown command "${cli.command}". Run "tzimtzum --help" for the list.`);
    }
  } catch (err) {
    out.error(err instanceof Error ? err.message : String(err), { code: (err as { code?: string }).code });
    return err instanceof UsageError ? 2 : 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; if a stray handle still holds the loop, do not hang the shell.
setTimeout(() => process.exit(code), 3000).unref();
