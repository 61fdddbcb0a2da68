// The "Paid notes" sidebar: the paid notes of a followed knowledge base with title, preview and price,
// the unlock flow of the note being bought, the purchases of this device and its wallet. It talks to the
// peer through the PeerApi only, and redraws the note list when a note is unlocked.
import { ItemView, type WorkspaceLeaf } from 'obsidian';
import type { PaidNoteInfo, PeerApi } from '../peer/peer-api';
import type { KnowledgeBaseIndex } from './knowledge-base-index';
import { messageOf } from './mount-guard';
import { PurchasesSection } from './purchases-section';
import { UnlockCheckout, formatSats } from './unlock-checkout';
import { WalletSection } from './wallet-section';

export const PAID_NOTES_VIEW = 'tzimtzum-paid-notes';

/** What the view needs besides its leaf. */
export interface PaidNotesContext {
  api: PeerApi;
  index: KnowledgeBaseIndex;
  maxFeeSats: () => number;
  copy: (text: string) => Promise<void>;
  /** Open a note of a knowledge base by its path in the mount. */
  openNote: (kbId: string, path: string) => Promise<void>;
}

/** The paid-notes sidebar view. */
export class PaidNotesView extends ItemView {
  private selectedKb: string | null = null;
  private checkout: UnlockCheckout | null = null;
  private pickerEl!: HTMLElement;
  private notesEl!: HTMLElement;
  private checkoutEl!: HTMLElement;
  private purchases!: PurchasesSection;
  private wallet!: WalletSection;
  private drawing: Promise<void> = Promise.resolve();

  constructor(leaf: WorkspaceLeaf, private readonly ctx: PaidNotesContext) {
    super(leaf);
  }

  getViewType(): string {
    return PAID_NOTES_VIEW;
  }

  getDisplayText(): string {
    return 'Paid notes';
  }

  override getIcon(): string {
    return 'lock';
  }

  protected override async onOpen(): Promise<void> {
    const root = this.contentEl;
    root.empty();
    root.addClass('tzimtzum-view', 'tzimtzum-paid-notes');
    this.pickerEl = root.createDiv({ cls: 'tzimtzum-kb-picker' });
    this.notesEl = root.createDiv({ cls: 'tzimtzum-paid-note-list' });
    this.checkoutEl = root.createDiv();
    this.purchases = new PurchasesSection(root.createDiv(), this.app, this.ctx.api, () => this.selectedKb);
    this.wallet = new WalletSection(root.createDiv(), this.ctx.api, this.ctx.copy);
    this.registerEvent(this.ctx.index.on('updated', () => this.drawPicker()));
    this.register(this.ctx.api.onEvent((event) => {
      this.checkout?.handle(event);
      if (event.type === 'unlocked') {
        if (event.id === this.selectedKb) void this.drawNotes();
        void this.purchases.render();
        void this.wallet.render();
      }
    }));
    this.drawPicker();
    await Promise.all([this.drawNotes(), this.purchases.render(), this.wallet.render()]);
  }

  protected override async onClose(): Promise<void> {
    this.checkout = null;
    this.contentEl.empty();
    await Promise.resolve();
  }

  /** Show a knowledge base's paid notes; with `unlockNote`, start buying that note at once. */
  async show(kbId: string, unlockNote?: string): Promise<void> {
    this.selectedKb = kbId;
    this.drawPicker();
    const notes = await this.drawNotes();
    const note = unlockNote ? notes.find((n) => n.noteId === unlockNote) : undefined;
    if (note) await this.unlock(note);
  }

  /** Resolves when the note list drawn last has loaded (tests await this). */
  idle(): Promise<void> {
    return this.drawing;
  }

  private subscriptions() {
    return this.ctx.index.all().filter((kb) => kb.status.role === 'subscribed');
  }

  private drawPicker(): void {
    const el = this.pickerEl;
    el.empty();
    const subs = this.subscriptions();
    if (!this.ctx.index.running) {
      el.createEl('p', { cls: 'tzimtzum-empty', text: 'Tzimtzum is not running. Set up your identity in the plugin settings, then restart the network there.' });
      return;
    }
    if (subs.length === 0) {
      el.createEl('p', { cls: 'tzimtzum-empty', text: 'Subscribe to a knowledge base to see its paid notes here.' });
      return;
    }
    if (!this.selectedKb || !subs.some((kb) => kb.status.id === this.selectedKb)) {
      this.selectedKb = subs[0].status.id;
      void this.drawNotes();
    }
    const select = el.createEl('select', { cls: 'dropdown' });
    for (const kb of subs) select.createEl('option', { text: kb.status.title, value: kb.status.id });
    select.value = this.selectedKb;
    select.addEventListener('change', () => {
      this.selectedKb = select.value;
      void this.drawNotes();
    });
  }

  private drawNotes(): Promise<PaidNoteInfo[]> {
    const kbId = this.selectedKb;
    const el = this.notesEl;
    const loaded = (async () => {
      if (!kbId) {
        el.empty();
        return [];
      }
      let notes: PaidNoteInfo[];
      try {
        notes = await this.ctx.api.lockedNotes(kbId);
      } catch (err) {
        el.empty();
        el.createDiv({ cls: 'tzimtzum-error', text: messageOf(err) });
        return [];
      }
      if (kbId !== this.selectedKb) return notes;
      el.empty();
      if (notes.length === 0) el.createEl('p', { cls: 'tzimtzum-empty', text: 'This knowledge base has no paid notes.' });
      for (const note of notes) this.drawNote(el.createDiv({ cls: 'tzimtzum-paid-note' }), note);
      return notes;
    })();
    this.drawing = loaded.then(() => undefined);
    return loaded;
  }

  private drawNote(card: HTMLElement, note: PaidNoteInfo): void {
    const header = card.createDiv({ cls: 'tzimtzum-card-header' });
    header.createSpan({ cls: 'tzimtzum-paid-note-title', text: note.title });
    header.createSpan({ cls: 'tzimtzum-paid-note-price', text: note.unlocked ? 'Unlocked' : formatSats(note.priceSats) });
    if (note.preview.trim()) card.createDiv({ cls: 'tzimtzum-paid-note-preview', text: note.preview });
    const actions = card.createDiv({ cls: 'tzimtzum-card-actions' });
    const path = note.path;
    if (path !== null) actions.createEl('button', { text: 'Open' }).addEventListener('click', () => void this.ctx.openNote(note.kbId, path));
    if (!note.unlocked) actions.createEl('button', { cls: 'mod-cta', text: 'Unlock' }).addEventListener('click', () => void this.unlock(note));
  }

  private async unlock(note: PaidNoteInfo): Promise<void> {
    const checkout = new UnlockCheckout(this.checkoutEl, note, {
      api: this.ctx.api,
      maxFeeSats: this.ctx.maxFeeSats,
      register: (cleanup) => this.register(cleanup),
      copy: this.ctx.copy,
      onUnlocked: (unlocked) => {
        if (unlocked.path !== null) void this.ctx.openNote(unlocked.kbId, unlocked.path);
      },
    });
    this.checkout = checkout;
    await checkout.start();
  }
}
