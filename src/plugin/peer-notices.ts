// Turns what the peer reports into Notices: restored files, held deletions, rejected paths, errors,
// progress of long syncs and imports (one Notice updated in place, hidden when done), new writers, local
// edits that met another writer's change, and another writer's notes that now hold code plugins run (both
// gathered briefly, so a burst is one Notice).
import { Notice } from 'obsidian';
import type { PeerEvent } from '../peer/peer-api';
import type { KnowledgeBaseIndex } from './knowledge-base-index';

/** Progress Notices appear only for work at least this large. */
const PROGRESS_THRESHOLD = 200;
/** Co-editing reports that come within this window (merged edits, code from another writer) share one Notice. */
const GATHER_NOTICE_DELAY_MS = 1000;

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
  private readonly newCode = new Map<string, Set<string>>();
  private gatherTimer: number | null = null;

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
        if (event.change === 'kept-local') this.queue(this.merged, event.id, event.path);
        else if (event.newCode) this.queue(this.newCode, event.id, event.path);
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
    if (this.gatherTimer !== null) window.clearTimeout(this.gatherTimer);
    this.gatherTimer = null;
    this.merged.clear();
    this.newCode.clear();
  }

  private queue(gathered: Map<string, Set<string>>, id: string, path: string): void {
    const paths = gathered.get(id) ?? new Set<string>();
    paths.add(path);
    gathered.set(id, paths);
    this.gatherTimer ??= window.setTimeout(() => this.showGathered(), GATHER_NOTICE_DELAY_MS);
  }

  private showGathered(): void {
    this.gatherTimer = null;
    // Notes that met another writer's change: the user's edit is merged, or (overlapping) kept as a conflict copy.
    for (const [id, paths] of this.merged) {
      const { which, them } = this.describe(paths);
      new Notice(`${which} in ${this.titleOf(id)} changed on another writer's device while you edited ${them} here. Your edits are merged with theirs; where you both changed the same lines, yours is kept beside the note as a conflict copy.`, 15_000);
    }
    // Co-authors' notes are the folder's own text, so their code is not neutralized: the user is told instead.
    for (const [id, paths] of this.newCode) {
      const { which, them } = this.describe(paths);
      new Notice(`Another writer of ${this.titleOf(id)} added code to ${which} that plugins such as Dataview or Templater run when a note is opened. Check ${them} before opening ${them} if you are not sure who wrote it.`, 0);
    }
    this.merged.clear();
    this.newCode.clear();
  }

  private titleOf(id: string): string {
    return `"${this.index.get(id)?.status.title ?? id.slice(0, 8)}"`;
  }

  private describe(paths: Set<string>): { which: string; them: string } {
    const list = [...paths];
    const which = list.length === 1 ? `"${list[0]}"` : `${list.length} notes (${list.slice(0, 3).map((p) => `"${p}"`).join(', ')}${list.length > 3 ? ', …' : ''})`;
    return { which, them: list.length === 1 ? 'it' : 'them' };
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
