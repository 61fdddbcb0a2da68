// The entry point of main.js. Obsidian constructs the default export with (app, manifest); only then
// is the plugin folder known. The native packages read their addons as soon as they are evaluated
// (sodium-native copies every export at load), so the real plugin module, and everything it imports,
// is required here, after the folder is set: esbuild keeps a `require`d module lazy in the bundle.
import { Notice, Plugin } from 'obsidian';
import path from 'path';
import { isAddonError, setPluginFolder } from './addon-loader.cjs';

/** Stands in for the plugin class until the addons can be found, then constructs the real one. */
export default class TzimtzumLoader extends Plugin {
  constructor(app, manifest) {
    let TzimtzumPlugin;
    try {
      setPluginFolder(pluginFolder(app, manifest));
      // 'tzimtzum:entry' is resolved at build time to main.ts (or a test fixture).
      TzimtzumPlugin = require('tzimtzum:entry').default;
    } catch (err) {
      if (!isAddonError(err)) throw err;
      // An addon missing for this platform, or refused by this OS: stay enabled but inert and say
      // why, rather than leave the user with Obsidian's bare "Failed to load plugin".
      super(app, manifest);
      this.loadError = err;
      return;
    }
    // A constructor that returns an object makes `new` yield that object: Obsidian gets the real
    // plugin instance (which extends Plugin too). With no `super()` call, no loader instance is built.
    return new TzimtzumPlugin(app, manifest);
  }

  onload() {
    new Notice(this.loadError.message, 0);
    console.error(this.loadError);
  }
}

function pluginFolder(app, manifest) {
  const adapter = app.vault.adapter;
  if (typeof adapter.getBasePath !== 'function' || typeof manifest.dir !== 'string') {
    throw new Error('Tzimtzum runs only in Obsidian for desktop: this vault has no folder on disk.');
  }
  return path.join(adapter.getBasePath(), manifest.dir);
}
