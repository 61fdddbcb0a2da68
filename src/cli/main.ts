// Entry point of the `tzimtzum` command: parse, dispatch, turn errors into messages and exit codes.
import { initCommand } from './init-command';
import { parseCommandLine, USAGE, UsageError } from './options';
import { Output } from './output';
import { serveCommand } from './serve-command';
import { recoverCommand, statusCommand, unsubscribeCommand } from './status-command';
import { testnetCommand } from './testnet-command';
import { demoCommand } from './demo-command';
import { inviteCommand, joinCommand, removeWriterCommand, revokeInviteCommand, writersCommand } from './writer-commands';

async function main(argv: string[]): Promise<number> {
  let out = new Output(argv.includes('--json'));
  try {
    const cli = parseCommandLine(argv);
    out = new Output(cli.global.json);
    switch (cli.command) {
      case 'init': await initCommand(cli, out); return 0;
      case 'share':
      case 'subscribe':
      case 'seed': await serveCommand(cli, out); return 0;
      case 'unsubscribe': await unsubscribeCommand(cli, out); return 0;
      case 'invite': await inviteCommand(cli, out); return 0;
      case 'join': await joinCommand(cli, out); return 0;
      case 'writers': await writersCommand(cli, out); return 0;
      case 'remove-writer': await removeWriterCommand(cli, out); return 0;
      case 'revoke-invite': await revokeInviteCommand(cli, out); return 0;
      case 'status': await statusCommand(cli, out); return 0;
      case 'recover': await recoverCommand(cli, out); return 0;
      case 'testnet': await testnetCommand(out); return 0;
      case 'demo': return await demoCommand(cli, out);
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
