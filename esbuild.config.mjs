// Builds the Obsidian plugin into dist/tzimtzum/: one CommonJS main.js with all JavaScript bundled,
// manifest.json, styles.css, and the native addons' prebuilds in prebuilds/<platform>-<arch>/.
//   node esbuild.config.mjs production [--out-dir DIR] [--entry FILE]   one build
//   node esbuild.config.mjs [--out-dir DIR] [--entry FILE]              watch, with inline source maps
// How the bundle finds its addons: docs/adr/001-native-addons-in-the-bundle.md.
import esbuild from 'esbuild';
import { promises as fs } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLATFORMS, copyPrebuilds, nativeAddonsPlugin } from './scripts/build/native-addons.mjs';

const repo = path.dirname(fileURLToPath(import.meta.url));

/** Where `npm run build` puts the plugin folder. */
export const DEFAULT_OUT_DIR = path.join(repo, 'dist', 'tzimtzum');

// Provided by Obsidian at run time (its `require`), never bundled.
const external = [
  'obsidian', 'electron', '@codemirror/*', '@lezer/*',
  ...builtinModules, ...builtinModules.map((m) => `node:${m}`),
];

function options({ entry, outDir, production, used }) {
  return {
    absWorkingDir: repo,
    entryPoints: [path.join(repo, 'scripts', 'build', 'runtime', 'plugin-loader.mjs')],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    external,
    // Readable output for Obsidian's reviewers; source maps only while developing.
    minify: false,
    sourcemap: production ? false : 'inline',
    logLevel: 'warning',
    banner: { js: '/* Tzimtzum for Obsidian. Built by esbuild.config.mjs; native addons load from prebuilds/ in this folder. */' },
    plugins: [entryPlugin(path.resolve(repo, entry)), nativeAddonsPlugin(used), assetsPlugin(outDir, used)],
  };
}

/** Resolves the loader's `require('tzimtzum:entry')` to the plugin module being built. */
function entryPlugin(entryFile) {
  return {
    name: 'tzimtzum-entry',
    setup(build) {
      build.onResolve({ filter: /^tzimtzum:entry$/ }, () => ({ path: entryFile }));
    },
  };
}

/** After each successful build: manifest, styles and prebuilds next to main.js. */
function assetsPlugin(outDir, used) {
  return {
    name: 'tzimtzum-assets',
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        await fs.copyFile(path.join(repo, 'manifest.json'), path.join(outDir, 'manifest.json'));
        const styles = path.join(repo, 'styles.css');
        await fs.copyFile(styles, path.join(outDir, 'styles.css')).catch(async (err) => {
          if (err.code !== 'ENOENT') throw err;
          await fs.writeFile(path.join(outDir, 'styles.css'), '');
        });
        await fs.rm(path.join(outDir, 'prebuilds'), { recursive: true, force: true });
        result.missingPrebuilds = await copyPrebuilds(used, outDir, PLATFORMS);
        for (const { name, platform } of result.missingPrebuilds) {
          console.warn(`warning: ${name} ships no prebuild for ${platform}; the ${platform} build cannot run.`);
        }
      });
    },
  };
}

/**
 * One production build into `outDir` (only main.js, manifest.json, styles.css and prebuilds/ there are
 * replaced). Returns the addons bundled and the prebuilds that were missing.
 */
export async function buildPlugin({ entry = 'main.ts', outDir = DEFAULT_OUT_DIR, production = true } = {}) {
  const used = new Map();
  await fs.mkdir(outDir, { recursive: true });
  const result = await esbuild.build(options({ entry, outDir, production, used }));
  return { outDir, addons: [...used.keys()], missingPrebuilds: result.missingPrebuilds ?? [] };
}

/** Rebuilds into `outDir` on every change, until the process ends. */
export async function watchPlugin({ entry = 'main.ts', outDir = DEFAULT_OUT_DIR } = {}) {
  await fs.mkdir(outDir, { recursive: true });
  const context = await esbuild.context(options({ entry, outDir, production: false, used: new Map() }));
  await context.watch();
  console.log(`Watching; building into ${shortPath(outDir)}`);
}

function shortPath(dir) {
  const relative = path.relative(process.cwd(), dir);
  return relative === '' ? '.' : relative.startsWith('..') ? dir : relative;
}

function parseArgs(argv) {
  const args = { production: false, entry: undefined, outDir: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'production') args.production = true;
    else if (arg === '--out-dir' && i + 1 < argv.length) args.outDir = path.resolve(argv[++i]);
    else if (arg === '--entry' && i + 1 < argv.length) args.entry = argv[++i];
    else throw new Error(`Unknown argument ${arg}. Usage: node esbuild.config.mjs [production] [--out-dir DIR] [--entry FILE]`);
  }
  return args;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { production, ...where } = parseArgs(process.argv.slice(2));
    if (production) {
      const built = await buildPlugin(where);
      const main = await fs.stat(path.join(built.outDir, 'main.js'));
      console.log(`Built ${shortPath(built.outDir)}: main.js ${(main.size / 1e6).toFixed(2)} MB, ` +
        `addons ${built.addons.join(', ')}`);
    } else {
      await watchPlugin(where);
    }
  } catch (err) {
    // esbuild has already printed its own errors.
    if (!(err && Array.isArray(err.errors))) console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
