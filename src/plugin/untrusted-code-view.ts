// How neutralized code from a knowledge base looks in reading view: the code as plain text, under a
// badge that says it came from someone else and was not run. Also the renderer a subscription writes
// notes with: neutralized by default, as published when the user opted in for that subscription.
import type { MarkdownPostProcessorContext } from 'obsidian';
import type { NoteRenderer } from '../mount/mount';
import { NEUTRALIZED_LANGUAGE, neutralizeNoteBytes } from '../mount/untrusted-code';

export { NEUTRALIZED_LANGUAGE } from '../mount/untrusted-code';

/** The note renderer of one subscription; `allowed` is asked at each write, so opting in takes effect at once. */
export function untrustedCodeRenderer(allowed: () => boolean): NoteRenderer {
  return (_entry, bytes) => (allowed() ? bytes : neutralizeNoteBytes(bytes));
}

/** Renders a neutralized block: a badge, then the source as plain text. */
export function renderNeutralizedBlock(source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext): void {
  const language = originalLanguage(el, ctx);
  const badge = el.createDiv({ cls: 'tzimtzum-untrusted-badge' });
  badge.setText(language ? `Code (${language}) from a knowledge base, not run` : 'Code from a knowledge base, not run');
  el.createEl('pre', { cls: 'tzimtzum-untrusted-code' }).createEl('code', { text: source });
}

/** The fence's original language, when reading view tells us where the block came from. */
function originalLanguage(el: HTMLElement, ctx: MarkdownPostProcessorContext): string | null {
  const info = ctx.getSectionInfo(el);
  if (!info) return null;
  const opener = info.text.split('\n')[info.lineStart] ?? '';
  const at = opener.indexOf(NEUTRALIZED_LANGUAGE);
  if (at < 0) return null;
  return opener.slice(at + NEUTRALIZED_LANGUAGE.length).trim().split(/\s+/u)[0] || null;
}
