// The native addons the plugin ships, and the esbuild plugin that makes the bundle load them from
// the plugin folder instead of node_modules (why: docs/adr/001-native-addons-in-the-bundle.md).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Addons the plugin cannot run without; their prebuilds are copied next to main.js. */
export const NATIVE_ADDONS = ['sodium-native', 'udx-native', 'rocksdb-native', 'fs-native-extensions'];

/** Addons with a JavaScript fallback (quickbit-universal, simdle-universal): left out, the fallback runs. */
export const OPTIONAL_ADDONS = ['quickbit-native', 'simdle-native'];

/** The platforms a release is built for: Obsidian desktop on Linux, macOS (both chips) and Windows. */
export const PLATFORMS = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];

const addonLoader = fileURLToPath(new URL('./runtime/addon-loader.cjs', import.meta.url));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const bindingFile = new RegExp(`[\\\\/]node_modules[\\\\/](${NATIVE_ADDONS.map(escape).join('|')})[\\\\/]binding\\.js$`);
const optionalAddon = new RegExp(`^(${OPTIONAL_ADDONS.map(escape).join('|')})$`);

/**
 * An esbuild plugin that swaps each native package's `binding.js` for a load from the plugin
 * folder, drops the optional addons, and fails the build if any other package loads an addon.
 * `used` collects the package folder of every addon in the bundle, to copy its prebuilds from.
 */
export function nativeAddonsPlugin(used) {
  return {
    name: 'tzimtzum-native-addons',
    setup(build) {
      build.onStart(() => used.clear());
      build.onLoad({ filter: bindingFile }, (args) => {
        const name = bindingFile.exec(args.path)[1];
        used.set(name, path.dirname(args.path));
        return {
          contents: `module.exports = require(${JSON.stringify(addonLoader)}).loadAddon(${JSON.stringify(name)});\n`,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
      build.onResolve({ filter: optionalAddon }, (args) => ({ path: args.path, namespace: 'tzimtzum-left-out' }));
      build.onLoad({ filter: /.*/, namespace: 'tzimtzum-left-out' }, (args) => ({
        // The universal wrappers catch this and use their JavaScript fallback.
        contents: `throw new Error(${JSON.stringify(`${args.path} is not shipped with Tzimtzum`)});\n`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^require-addon$/ }, (args) => ({
        errors: [{
          text: `${args.importer} loads a native addon through require-addon, which cannot work in a bundle. ` +
            'Add its package to NATIVE_ADDONS (or OPTIONAL_ADDONS) in scripts/build/native-addons.mjs.',
        }],
      }));
    },
  };
}

/**
 * Copies the `.node` prebuild of every addon in `used` for each platform into
 * `<outDir>/prebuilds/<platform>/`; returns the ones a package does not ship.
 */
export async function copyPrebuilds(used, outDir, platforms = PLATFORMS) {
  const missing = [];
  for (const platform of platforms) {
    for (const [name, packageDir] of used) {
      const from = path.join(packageDir, 'prebuilds', platform, `${name}.node`);
      const to = path.join(outDir, 'prebuilds', platform, `${name}.node`);
      try {
        await fs.mkdir(path.dirname(to), { recursive: true });
        await fs.copyFile(from, to);
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
        missing.push({ name, platform });
      }
    }
  }
  return missing;
}
