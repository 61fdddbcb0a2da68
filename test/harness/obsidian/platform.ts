// Small standalone pieces of the API: `Platform` (always the desktop app), `setIcon`, `debounce`.
import './dom.js';

/** The platform flags of Obsidian's desktop app on this OS. */
export const Platform = {
  isDesktop: true,
  isMobile: false,
  isDesktopApp: true,
  isMobileApp: false,
  isIosApp: false,
  isAndroidApp: false,
  isPhone: false,
  isTablet: false,
  isMacOS: process.platform === 'darwin',
  isWin: process.platform === 'win32',
  isLinux: process.platform === 'linux',
  isSafari: false,
  resourcePathPrefix: 'app://harness/',
};

/** Replaces `parent`'s content with the icon: an `svg.svg-icon.lucide-<id>` (no artwork in the harness). */
export function setIcon(parent: HTMLElement, iconId: string): void {
  parent.empty();
  parent.createEl('svg' as keyof HTMLElementTagNameMap, { cls: ['svg-icon', `lucide-${iconId}`], attr: { 'data-icon': iconId } });
}

/** A debounced function: also `cancel()` and `run()`. */
export interface Debouncer<T extends unknown[], V> {
  (...args: [...T]): this;
  cancel(): this;
  run(): V | void;
}

/**
 * Calls `cb` once, `timeout` ms after the first call of a burst, with the latest arguments. With
 * `resetTimer`, every call restarts the wait.
 */
export function debounce<T extends unknown[], V>(cb: (...args: [...T]) => V, timeout = 0, resetTimer?: boolean): Debouncer<T, V> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: [...T] | null = null;
  const fire = (): V | void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!lastArgs) return;
    const args = lastArgs;
    lastArgs = null;
    return cb(...args);
  };
  const debounced = function (this: unknown, ...args: [...T]) {
    lastArgs = args;
    if (timer && resetTimer) { clearTimeout(timer); timer = null; }
    timer ??= setTimeout(fire, timeout);
    return debounced;
  } as Debouncer<T, V>;
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    lastArgs = null;
    return debounced;
  };
  debounced.run = fire;
  return debounced;
}
