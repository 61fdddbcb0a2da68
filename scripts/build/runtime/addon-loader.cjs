// Bundled into main.js in place of each native package's `binding.js` (see esbuild.config.mjs).
// The packages' own loader, require-addon, looks for `prebuilds/` relative to the calling file, and
// inside a bundle that file is main.js evaluated by Obsidian from a string: no path, and a `require`
// that resolves from inside Electron. So the plugin folder is handed in at run time (by the loader in
// plugin-loader.mjs, before the bundle's dependencies run) and each addon is loaded by absolute path.
// Why this and not `__dirname` or a global app: docs/adr/001-native-addons-in-the-bundle.md.
'use strict';

const path = require('path');
const { createRequire } = require('module');

let pluginFolder = null;

/** Records the absolute path of the plugin folder; addons load from its `prebuilds/<platform>-<arch>/`. */
exports.setPluginFolder = function setPluginFolder(folder) {
  pluginFolder = folder;
};

/** Loads a native addon shipped beside main.js, or throws an error that says which file is missing. */
exports.loadAddon = function loadAddon(name) {
  const host = `${process.platform}-${process.arch}`;
  if (pluginFolder === null) {
    throw addonError('ADDON_FOLDER_UNKNOWN', `${name} was loaded before the plugin folder was known. ` +
      'Load main.js through its default export (the plugin class), as Obsidian does.');
  }
  const file = path.join(pluginFolder, 'prebuilds', host, `${name}.node`);
  try {
    // A real Node require rooted at the file: it caches by path as require-addon's loads do, so
    // re-enabling the plugin in the same window reuses the addon already in the process.
    return createRequire(file)(file);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND') {
      throw addonError('ADDON_NOT_FOUND', `Tzimtzum has no ${name} build for ${host} (looked for ${file}). ` +
        `Install the Tzimtzum release made for ${host}, or reinstall the plugin folder with its prebuilds/.`, err);
    }
    throw addonError('CANNOT_LOAD', `Tzimtzum could not load ${file} (${err && err.message}). ` +
      'It needs an up-to-date Obsidian on Linux with glibc 2.34 or newer and libatomic, macOS 13 or newer, ' +
      'or 64-bit Windows.', err);
  }
};

const ADDON_ERRORS = new Set(['ADDON_FOLDER_UNKNOWN', 'ADDON_NOT_FOUND', 'CANNOT_LOAD']);

/** Whether `err` is one of loadAddon's errors (the plugin cannot run on this machine as installed). */
exports.isAddonError = function isAddonError(err) {
  return err instanceof Error && ADDON_ERRORS.has(err.code);
};

function addonError(code, message, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.code = code;
  return err;
}
