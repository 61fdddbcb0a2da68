// The status bar item: how many peers, and whether anything is syncing.
import type { KnowledgeBaseIndex } from './knowledge-base-index';

/** Text for the status bar from the index. */
export function statusBarText(index: KnowledgeBaseIndex): string {
  if (!index.running) return 'Tzimtzum: offline';
  const all = index.all();
  if (all.length === 0) return 'Tzimtzum: ready';
  const peers = all.reduce((sum, kb) => sum + kb.live.peers, 0);
  const busy = all.filter((kb) => kb.live.progress !== null);
  const state = busy.length > 0 ? `syncing ${busy.length}` : all.some((kb) => kb.status.paused) ? 'some paused' : 'up to date';
  return `Tzimtzum: ${peers} ${peers === 1 ? 'peer' : 'peers'}, ${state}`;
}

/** Keeps the status bar element in step with the index. */
export function renderStatusBar(el: HTMLElement, index: KnowledgeBaseIndex): void {
  el.setText(statusBarText(index));
  el.toggleClass('tzimtzum-status-busy', index.all().some((kb) => kb.live.progress !== null));
}
