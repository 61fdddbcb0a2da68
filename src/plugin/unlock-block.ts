// The `tzimtzum-unlock` code block of a locked stub, drawn as an "Unlock for N sats" button. A block is
// honoured only in a file the mount wrote for a paid note of the same knowledge base, and the price on
// the button comes from the author's signed envelope: text anyone typed into a note, or a block with
// another price, buys nothing.
import type { MarkdownPostProcessorContext } from 'obsidian';
import z32 from 'z32';
import type { PeerApi } from '../peer/peer-api';
import { parseUnlockBlock } from '../paywall/locked-stub';
import type { KnowledgeBaseIndex } from './knowledge-base-index';
import { formatSats } from './unlock-checkout';

/** What the unlock button needs. */
export interface UnlockBlockContext {
  api: PeerApi;
  index: KnowledgeBaseIndex;
  /** Open the paid-notes view on this note and start buying it. */
  unlock: (kbId: string, noteId: string) => Promise<void>;
}

/** The code block processor for `tzimtzum-unlock`. */
export function unlockBlockProcessor(ctx: UnlockBlockContext): (source: string, el: HTMLElement, md: MarkdownPostProcessorContext) => Promise<void> {
  return async (source, el, md) => {
    el.addClass('tzimtzum-unlock-block');
    const request = parseUnlockBlock(source);
    const located = ctx.index.mountAt(md.sourcePath);
    const kbId = located?.kb.status.id;
    if (!request || !located || !kbId || z32.encode(request.kbKey) !== kbId) {
      el.createDiv({ cls: 'tzimtzum-unlock-inert', text: 'This unlock button is not part of a knowledge base you follow, so it does nothing.' });
      return;
    }
    const noteId = request.noteId.toString('hex');
    const notes = await ctx.api.lockedNotes(kbId).catch(() => null);
    if (notes === null) {
      el.createDiv({ cls: 'tzimtzum-unlock-inert', text: 'Tzimtzum is not running, so this note cannot be unlocked now. Restart the network in the plugin settings.' });
      return;
    }
    // The mount owns this path and wrote it from this very note's envelope.
    const note = notes.find((candidate) => candidate.noteId === noteId && candidate.path === located.rel);
    if (!note) {
      el.createDiv({ cls: 'tzimtzum-unlock-inert', text: 'This unlock button does not belong to this note, so it does nothing.' });
      return;
    }
    if (note.unlocked) {
      el.createDiv({ cls: 'tzimtzum-unlock-done', text: 'Unlocked. The note will show its full text in a moment.' });
      return;
    }
    const button = el.createEl('button', { cls: 'mod-cta tzimtzum-unlock-button', text: `Unlock for ${formatSats(note.priceSats)}` });
    button.addEventListener('click', () => void ctx.unlock(kbId, noteId));
  };
}
