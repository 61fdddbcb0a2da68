// The native modules (sodium, UDX, RocksDB) ship prebuilt for a few platforms and need Node-API 9.
// Anywhere else the plugin stays inert and says why, instead of failing on the first network call.

/** Platforms with prebuilt native modules. */
export const SUPPORTED_PLATFORMS: readonly string[] = ['linux-x64', 'darwin-arm64', 'darwin-x64', 'win32-x64'];
const MIN_NAPI = 9;

/** The facts the check looks at (tests pass their own). */
export interface RuntimeInfo {
  napi: string | undefined;
  platform: string;
  arch: string;
}

/** Why Tzimtzum cannot run here, or null when it can. */
export function unsupportedRuntime(info: RuntimeInfo = { napi: process.versions.napi, platform: process.platform, arch: process.arch }): string | null {
  const napi = Number.parseInt(info.napi ?? '', 10);
  if (!Number.isFinite(napi) || napi < MIN_NAPI) {
    return `Tzimtzum needs a newer Obsidian (Node-API ${MIN_NAPI} or later; this one has ${info.napi ?? 'none'}). Update Obsidian from obsidian.md, then enable the plugin again.`;
  }
  const target = `${info.platform}-${info.arch}`;
  if (!SUPPORTED_PLATFORMS.includes(target)) {
    return `Tzimtzum does not run on ${target} yet (supported: ${SUPPORTED_PLATFORMS.join(', ')}). Disable the plugin on this device.`;
  }
  return null;
}
