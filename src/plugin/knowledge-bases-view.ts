// The "Knowledge bases" sidebar: one card per shared or subscribed knowledge base with its key, peers,
// sync state, last update and actions, and for shared ones their writers (writers-section.ts). It renders
// from the index only (never per-file lists), so it stays fast at any size, and re-renders at most a few
// times a second.
import { ItemView, debounce, type WorkspaceLeaf } from 'obsidian';
import type { PeerApi } from '../peer/peer-api';
import type { KnowledgeBaseActions } from './knowledge-base-actions';
import type { IndexedKnowledgeBase, KnowledgeBaseIndex } from './knowledge-base-index';
import { messageOf } from './mount-guard';
import { Notice } from 'obsidian';
import type { WriterActions } from './writer-actions';
import { WritersSection } from './writers-section';

export const KNOWLEDGE_BASES_VIEW = 'tzimtzum-knowledge-bases';

/** The sidebar view. */
export class KnowledgeBasesView extends ItemView {
  private readonly scheduleRender = debounce(() => this.render(), 250, false);
  private readonly writers: WritersSection;
  private closed = false;

  constructor(leaf: WorkspaceLeaf, private readonly index: KnowledgeBaseIndex, private readonly actions: KnowledgeBaseActions, private readonly api: PeerApi, private readonly writerActions: WriterActions) {
    super(leaf);
    this.writers = new WritersSection(api, writerActions, () => {
      if (!this.closed) this.scheduleRender();
    });
  }

  getViewType(): string {
    return KNOWLEDGE_BASES_VIEW;
  }

  getDisplayText(): string {
    return 'Knowledge bases';
  }

  override getIcon(): string {
    return 'library';
  }

  protected override async onOpen(): Promise<void> {
    this.closed = false;
    this.registerEvent(this.index.on('updated', () => this.scheduleRender()));
    this.render();
    await Promise.resolve();
  }

  protected override async onClose(): Promise<void> {
    this.closed = true;
    this.scheduleRender.cancel();
    this.contentEl.empty();
    await Promise.resolve();
  }

  /** Draw every card (a handful of elements per knowledge base). */
  render(): void {
    const root = this.contentEl;
    root.empty();
    root.addClass('tzimtzum-view');
    const toolbar = root.createDiv({ cls: 'tzimtzum-view-toolbar' });
    toolbar.createEl('button', { text: 'Join as writer…' }).addEventListener('click', () => this.writerActions.askToJoin());
    toolbar.createEl('button', { text: 'Subscribe…' }).addEventListener('click', () => this.actions.askToSubscribe());
    if (!this.index.running) {
      root.createEl('p', { cls: 'tzimtzum-empty', text: 'Tzimtzum is not running. Set up your identity in the plugin settings, then restart the network there.' });
      return;
    }
    const all = this.index.all();
    if (all.length === 0) {
      root.createEl('p', { cls: 'tzimtzum-empty', text: 'Nothing shared or subscribed yet. Right-click a folder to share it, or subscribe with a link.' });
      return;
    }
    this.writers.keepOnly(new Set(all.map((kb) => kb.status.id)));
    for (const kb of all) this.renderCard(root.createDiv({ cls: 'tzimtzum-card' }), kb);
  }

  private renderCard(card: HTMLElement, kb: IndexedKnowledgeBase): void {
    const { status, live } = kb;
    const header = card.createDiv({ cls: 'tzimtzum-card-header' });
    header.createSpan({ cls: 'tzimtzum-card-title', text: status.title });
    header.createSpan({ cls: `tzimtzum-role tzimtzum-role-${status.role}`, text: status.role === 'shared' ? 'Shared' : status.paused ? 'Paused' : 'Subscribed' });
    const key = card.createDiv({ cls: 'tzimtzum-card-key' });
    key.createEl('code', { text: status.id });
    key.createEl('button', { cls: 'tzimtzum-copy', text: 'Copy link' }).addEventListener('click', () => void this.actions.copyLink(status.id));
    const facts = card.createDiv({ cls: 'tzimtzum-card-facts' });
    facts.createSpan({ text: `${live.peers} ${live.peers === 1 ? 'peer' : 'peers'}` });
    facts.createSpan({ text: status.files === null ? '' : `${status.files} files` });
    facts.createSpan({ text: live.lastSync ? `Updated ${new Date(live.lastSync).toLocaleString()}` : 'No transfer yet' });
    if (live.progress) {
      const bar = card.createDiv({ cls: 'tzimtzum-progress' });
      bar.createSpan({ text: live.progress.total > 0 ? `${live.progress.phase}: ${live.progress.done} of ${live.progress.total}` : `${live.progress.phase}…` });
      if (live.progress.total > 0) bar.createEl('progress', { attr: { max: live.progress.total, value: live.progress.done } });
    }
    if (status.upgradeNeeded) card.createDiv({ cls: 'tzimtzum-card-error', text: status.upgradeNeeded });
    else if (status.role === 'shared' && !status.writable) card.createDiv({ cls: 'tzimtzum-card-error', text: 'This device is no longer a writer of this knowledge base (an owner removed it): its edits are not published. Stop sharing to keep the folder as plain notes, or ask an owner for a new invite.' });
    else if (live.lastError) card.createDiv({ cls: 'tzimtzum-card-error', text: live.lastError });
    const actions = card.createDiv({ cls: 'tzimtzum-card-actions' });
    const button = (text: string, run: () => unknown) => actions.createEl('button', { text }).addEventListener('click', () => void run());
    button('Open folder', () => this.actions.openFolder(kb));
    if (status.role === 'shared') {
      if (this.writers.isOwner(status.id) !== false) button('Invite device or co-author', () => this.writerActions.invite(kb));
      button('Stop sharing', () => this.actions.stopSharing(kb));
    } else {
      button(status.paused ? 'Resume' : 'Pause', () => this.actions.setPaused(kb, !status.paused));
      button('Unsubscribe', () => this.actions.unsubscribe(kb));
    }
    button('Apply held deletions', async () => {
      try {
        const count = await this.api.confirmDeletions(status.id);
        new Notice(count > 0 ? `Applied ${count} held deletions.` : 'No deletions were waiting.');
      } catch (err) {
        new Notice(messageOf(err));
      }
    });
    if (status.role === 'shared') this.writers.render(card.createDiv(), kb);
  }
}
