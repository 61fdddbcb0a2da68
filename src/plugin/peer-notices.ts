// Turns what the peer reports into Notices: restored files, held deletions, rejected paths, errors,
// progress of long syncs and imports (one Notice updated in place, hidden when done), new writers, and
// local edits that met another writer's change (gathered briefly, so a burst is one Notice).
import { Notice } from 'obsidian';
import type { PeerEvent } from '../peer/peer-api';
import type { KnowledgeBaseIndex } from './knowledge-base-index';

/** Progress Notices appear only for work at least this large. */
const PROGRESS_THRESHOLD = 200;
/** Edits that met another writer's change within this window are reported together. */
const MERGE_NOTICE_DELAY_MS = 1000;

/** What a held set of deletions means for the user, by where the deletions came from. */
function heldDeletionsMessage(event: Extract<PeerEvent, { type: 'deletions-held' }>, title: string): string {
  switch (event.side) {
    case 'mount':
      return `${title} deleted ${event.count} notes at once. They stay in your vault until you confirm in the knowledge bases view.`;
    case 'co-edit':
      return `${title}: another writer deleted ${event.count} notes at once. They stay in your folder until you confirm in the knowledge bases view.`;
    case 'share':
      return `${event.count} files vanished from the shared folder ${title}. Readers keep them until you confirm in the knowledge bases view (check the folder first).`;
  }
}

/** Shows the peer's events to the user. */
export class PeerNotices {
  private readonly progress = new Map<string, Notice>();
  private readonly merged = new Map<string, Set<string>>();
  private mergeTimer: number | null = null;

  constructor(private readonly index: KnowledgeBaseIndex) {}

  handle(event: PeerEvent): void {
    const title = 'id' in event && event.id ? `"${this.index.get(event.id)?.status.title ?? event.id.slice(0, 8)}"` : 'Tzimtzum';
    switch (event.type) {
      case 'restored':
        new Notice(event.kind === 'edited'
          ? `"${event.path}" in ${title} is read-only, so it was restored. Your version was kept as "${event.conflictCopy ?? 'a conflict copy'}".`
          : `"${event.path}" in ${title} is read-only, so it was restored. Unsubscribe to manage these notes yourself.`, 10_000);
        break;
      case 'deletions-held':
        new Notice(heldDeletionsMessage(event, title), 0);
        break;
      case 'rejected':
        new Notice(`${event.count} files of ${title} were not written because their names are unsafe here. ${event.first}`, 10_000);
        break;
      case 'error':
        new Notice(`${title}: ${event.message}`, 10_000);
        break;
      case 'progress':
        this.showProgress(event, title);
        break;
      case 'co-edit':
        if (event.change === 'kept-local') this.queueMerged(event.id, event.path);
        break;
      case 'writer-added':
        new Notice(`${event.role === 'owner' ? 'Another device of yours' : 'A co-author'} joined ${title} as a writer.`, 10_000);
        break;
      case 'running':
        if (!event.running) this.clear();
        break;
      default:
        break;
    }
  }

  /** Hide every progress Notice and drop what was gathered. */
  clear(): void {
    for (const notice of this.progress.values()) notice.hide();
    this.progress.clear();
    if (this.mergeTimer !== null) window.clearTimeout(this.mergeTimer);
    this.mergeTimer = null;
    this.merged.clear();
  }

  private queueMerged(id: string, path: string): void {
    const paths = this.merged.get(id) ?? new Set<string>();
    paths.add(path);
    this.merged.set(id, paths);
    this.mergeTimer ??= window.setTimeout(() => this.showMerged(), MERGE_NOTICE_DELAY_MS);
  }

  /** Say which notes met another writer's change: the user's edit is merged, or (overlapping) kept as a conflict copy. */
  private showMerged(): void {
    this.mergeTimer = null;
    for (const [id, paths] of this.merged) {
      const title = `"${this.index.get(id)?.status.title ?? id.slice(0, 8)}"`;
      const list = [...paths];
      const which = list.length === 1 ? `"${list[0]}"` : `${list.length} notes (${list.slice(0, 3).map((p) => `"${p}"`).join(', ')}${list.length > 3 ? ', …' : ''})`;
      new Notice(`${which} in ${title} changed on another writer's device while you edited ${list.length === 1 ? 'it' : 'them'} here. Your edits are merged with theirs; where you both changed the same lines, yours is kept beside the note as a conflict copy.`, 15_000);
    }
    this.merged.clear();
  }

  private showProgress(event: Extract<PeerEvent, { type: 'progress' }>, title: string): void {
    const key = `${event.side}:${event.id}`;
    let notice = this.progress.get(key);
    if (event.phase === 'done') {
      notice?.hide();
      this.progress.delete(key);
      return;
    }
    if (!notice && event.total < PROGRESS_THRESHOLD) return;
    const verb = event.side === 'share' ? 'Publishing' : 'Syncing';
    const message = event.total > 0 ? `${verb} ${title}: ${event.done} of ${event.total} files` : `${verb} ${title}…`;
    if (notice) notice.setMessage(message);
    else {
      notice = new Notice(message, 0);
      this.progress.set(key, notice);
    }
  }
}
