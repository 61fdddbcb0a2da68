// `npm run install-plugin -- <vault> [--config-dir DIR] [--from DIR]`: copies the built plugin folder
// (dist/tzimtzum/ by default) into <vault>/<config dir>/plugins/tzimtzum/. The plugin's data.json
// (its settings) is kept; the other files are replaced, so no prebuild of an older build lingers.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = 'Usage: npm run install-plugin -- <vault folder> [--config-dir .obsidian] [--from dist/tzimtzum]';

/** A refusal the user can act on; printed without a stack. */
class InstallError extends Error {
  constructor(message) {
    super(message);
    this.code = 'INSTALL_REFUSED';
  }
}

function parseArgs(argv) {
  const args = { vault: undefined, configDir: '.obsidian', from: path.join(repo, 'dist', 'tzimtzum') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--config-dir' && i + 1 < argv.length) args.configDir = argv[++i];
    else if (arg === '--from' && i + 1 < argv.length) args.from = path.resolve(argv[++i]);
    else if (!arg.startsWith('--') && args.vault === undefined) args.vault = path.resolve(arg);
    else throw new InstallError(`Unexpected argument ${arg}. ${usage}`);
  }
  if (args.vault === undefined) throw new InstallError(usage);
  return args;
}

async function isDirectory(dir) {
  return (await fs.stat(dir).catch(() => null))?.isDirectory() === true;
}

/** Copies the plugin folder `from` into the vault; returns the folder it was installed to. */
export async function installPlugin({ vault, configDir = '.obsidian', from }) {
  const manifest = JSON.parse(await fs.readFile(path.join(from, 'manifest.json'), 'utf8').catch(() => {
    throw new InstallError(`${from} holds no built plugin. Run npm run build first.`);
  }));
  // Obsidian creates the config folder when it first opens a folder as a vault.
  if (!(await isDirectory(path.join(vault, configDir)))) {
    throw new InstallError(`${vault} is not an Obsidian vault (it has no ${configDir} folder). ` +
      'Open it in Obsidian once, or pass --config-dir if the vault uses another config folder.');
  }
  const target = path.join(vault, configDir, 'plugins', manifest.id);
  await fs.mkdir(target, { recursive: true });
  for (const entry of await fs.readdir(target)) {
    if (entry !== 'data.json') await fs.rm(path.join(target, entry), { recursive: true, force: true });
  }
  for (const entry of await fs.readdir(from)) {
    if (entry !== 'data.json') await fs.cp(path.join(from, entry), path.join(target, entry), { recursive: true });
  }
  return target;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const target = await installPlugin(parseArgs(process.argv.slice(2)));
    console.log(`Installed into ${target}. Reload Obsidian, then enable Tzimtzum under Settings → Community plugins.`);
  } catch (err) {
    console.error(err instanceof InstallError ? err.message : err);
    process.exitCode = 1;
  }
}
