// What the user can do with knowledge bases, as complete flows with feedback: every outcome ends in a
// Notice that says what happened or what to do. Commands, menus, the sidebar view and the protocol
// handler all call these.
import { Notice, TFile, TFolder, normalizePath, type App, type TAbstractFile } from 'obsidian';
import { folderNameFor } from '../mount/path-policy';
import { formatObsidianLink, formatShareLink, parseObsidianParams, parseShareLink } from '../net/share-link';
import type { KnowledgeBasePreview, PeerApi } from '../peer/peer-api';
import { ConfirmModal } from './confirm-modal';
import type { IndexedKnowledgeBase, KnowledgeBaseIndex } from './knowledge-base-index';
import { messageOf } from './mount-guard';
import { ShareModal } from './share-modal';
import { ConfirmSubscribeModal, SubscribeModal, type SubscribeChoices } from './subscribe-modals';
import type { TzimtzumSettings } from './settings';
import { templaterWarning } from './templater-check';
import type { VaultPaths } from './vault-paths';

/** What the flows need from the plugin. */
export interface ActionContext {
  app: App;
  api: PeerApi;
  index: KnowledgeBaseIndex;
  paths: VaultPaths;
  settings: () => TzimtzumSettings;
  saveSettings: () => Promise<void>;
}

/** The user's actions on knowledge bases. */
export class KnowledgeBaseActions {
  constructor(private readonly ctx: ActionContext) {}

  /** Ask for a title and share a vault folder. */
  shareFolder(folder: TFolder): void {
    const problem = this.cannotShare(folder);
    if (problem) {
      new Notice(problem);
      return;
    }
    new ShareModal(this.ctx.app, folder.isRoot() ? this.ctx.app.vault.getName() : folder.name, async (details) => {
      const notice = new Notice(`Sharing "${details.title}"…`, 0);
      try {
        const status = await this.ctx.api.share(this.ctx.paths.toDisk(folder.path), { ...details, ignore: this.ctx.settings().ignore });
        notice.hide();
        await this.copyLink(status.id, `"${status.title}" is shared.`);
      } catch (err) {
        notice.hide();
        new Notice(`Could not share "${folder.path}": ${messageOf(err)}`);
      }
    }).open();
  }

  /** Copy a knowledge base's link (the obsidian:// form opens Obsidian for whoever clicks it). */
  async copyLink(id: string, prefix = ''): Promise<void> {
    const kb = this.ctx.index.get(id) ?? (await this.ctx.index.refresh().then(() => this.ctx.index.get(id)));
    if (!kb) {
      new Notice('That knowledge base is no longer open.');
      return;
    }
    const parsed = parseShareLink(kb.status.link);
    const link = formatObsidianLink({ key: parsed.key, name: kb.status.title, view: parsed.view });
    const copied = await writeClipboard(link);
    new Notice(`${prefix ? prefix + ' ' : ''}${copied ? 'Share link copied.' : `Share link: ${link}`}`);
  }

  /** Stop publishing a shared folder, after confirmation. */
  stopSharing(kb: IndexedKnowledgeBase): void {
    new ConfirmModal(this.ctx.app, {
      title: `Stop sharing "${kb.status.title}"?`,
      message: 'Readers keep what they have, but get no more updates from this device. Your notes stay as they are.',
      confirm: 'Stop sharing',
      warning: true,
      onConfirm: async () => {
        try {
          await this.ctx.api.stopSharing(kb.status.id);
          new Notice(`Stopped sharing "${kb.status.title}".`);
        } catch (err) {
          new Notice(`Could not stop sharing: ${messageOf(err)}`);
        }
      },
    }).open();
  }

  /** Ask for a link, then preview and confirm. */
  askToSubscribe(): void {
    new SubscribeModal(this.ctx.app, (link) => this.previewAndConfirm(link)).open();
  }

  /** The `obsidian://tzimtzum?kb=…` handler. */
  async handleProtocol(params: Record<string, string>): Promise<void> {
    let link: string;
    try {
      link = formatShareLink(parseObsidianParams(params));
    } catch (err) {
      new Notice(messageOf(err));
      return;
    }
    await this.previewAndConfirm(link);
  }

  /** Look the knowledge base up, show what it is, and subscribe when the user confirms. */
  async previewAndConfirm(link: string): Promise<void> {
    let preview: KnowledgeBasePreview;
    const notice = new Notice('Looking up the knowledge base…', 0);
    try {
      parseShareLink(link);
      preview = await this.ctx.api.preview(link);
    } catch (err) {
      notice.hide();
      new Notice(messageOf(err));
      return;
    }
    notice.hide();
    const existing = this.ctx.index.get(preview.id);
    if (existing) {
      new Notice(`You already ${existing.status.role === 'shared' ? 'share' : 'follow'} "${existing.status.title}"${existing.vaultFolder ? ` in "${existing.vaultFolder}"` : ''}.`);
      return;
    }
    const folder = this.freeMountFolder(preview.title);
    const sharedAround = this.ctx.index.shareAt(folder);
    if (sharedAround) {
      new Notice(`"${folder}" would be inside "${sharedAround.kb.status.title}", which you share. Choose another folder for subscriptions in the plugin settings.`);
      return;
    }
    new ConfirmSubscribeModal(this.ctx.app, preview, folder, this.ctx.settings().defaultMountMode, (choices) => this.subscribe(link, preview, folder, choices)).open();
  }

  /** Pause or resume a subscription. */
  async setPaused(kb: IndexedKnowledgeBase, paused: boolean): Promise<void> {
    try {
      await this.ctx.api.setPaused(kb.status.id, paused);
      new Notice(paused ? `Paused "${kb.status.title}".` : `Resumed "${kb.status.title}".`);
    } catch (err) {
      new Notice(`Could not ${paused ? 'pause' : 'resume'} "${kb.status.title}": ${messageOf(err)}`);
    }
  }

  /** Stop following a knowledge base, after confirmation; its files stay. */
  unsubscribe(kb: IndexedKnowledgeBase): void {
    new ConfirmModal(this.ctx.app, {
      title: `Unsubscribe from "${kb.status.title}"?`,
      message: `Its notes stay in "${kb.vaultFolder ?? kb.status.folder ?? ''}" and become ordinary, editable notes. Delete the folder yourself if you no longer want them.`,
      confirm: 'Unsubscribe',
      warning: true,
      onConfirm: async () => {
        try {
          await this.ctx.api.unsubscribe(kb.status.id);
          const settings = this.ctx.settings();
          settings.allowCode = settings.allowCode.filter((id) => id !== kb.status.id);
          await this.ctx.saveSettings();
          new Notice(`Unsubscribed from "${kb.status.title}".`);
        } catch (err) {
          new Notice(`Could not unsubscribe: ${messageOf(err)}`);
        }
      },
    }).open();
  }

  /** Show a knowledge base's folder: open its first note. */
  async openFolder(kb: IndexedKnowledgeBase): Promise<void> {
    const folder = kb.vaultFolder ? this.ctx.app.vault.getAbstractFileByPath(kb.vaultFolder) : null;
    const first = folder instanceof TFolder ? firstNote(folder) : null;
    if (!first) {
      new Notice(`"${kb.status.title}" has no notes in the vault yet.`);
      return;
    }
    await this.ctx.app.workspace.getLeaf(false).openFile(first);
  }

  /** The knowledge base the active note belongs to. */
  activeKnowledgeBase(): IndexedKnowledgeBase | null {
    const file = this.ctx.app.workspace.getActiveFile();
    if (!file) return null;
    return (this.ctx.index.shareAt(file.path) ?? this.ctx.index.mountAt(file.path))?.kb ?? null;
  }

  private async subscribe(link: string, preview: KnowledgeBasePreview, folder: string, choices: SubscribeChoices): Promise<void> {
    const settings = this.ctx.settings();
    if (choices.allowCode && !settings.allowCode.includes(preview.id)) {
      settings.allowCode.push(preview.id);
      await this.ctx.saveSettings();
    }
    const notice = new Notice(`Subscribing to "${preview.title}"…`, 0);
    try {
      await this.ctx.api.subscribe(link, { folder: this.ctx.paths.toDisk(folder), mode: choices.mode });
      notice.hide();
      new Notice(`Subscribed to "${preview.title}". Its notes are in "${folder}" and are read-only.`);
      const warning = await templaterWarning(this.ctx.app, settings.mountRoot);
      if (warning) new Notice(warning, 0);
    } catch (err) {
      notice.hide();
      new Notice(`Could not subscribe to "${preview.title}": ${messageOf(err)}`);
    }
  }

  /** `<mount root>/<title>`, with a number added when that folder is taken. */
  private freeMountFolder(title: string): string {
    const base = normalizePath(`${this.ctx.settings().mountRoot}/${folderNameFor(title)}`);
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? base : `${base} ${n}`;
      if (!this.ctx.app.vault.getAbstractFileByPath(candidate)) return candidate;
    }
    return `${base} ${Date.now()}`;
  }

  private cannotShare(folder: TFolder): string | null {
    if (this.ctx.index.mountAt(folder.path)) return `"${folder.path}" is part of a knowledge base you follow; only its author can share it.`;
    const inside = this.ctx.index.all().find((kb) => kb.vaultFolder && kb.status.role !== 'shared' && (folder.isRoot() || kb.vaultFolder.startsWith(folder.path + '/')));
    if (inside) return `"${folder.path}" contains "${inside.vaultFolder}", a knowledge base you follow. Share a folder that does not contain one.`;
    if (!this.ctx.index.running) return 'Tzimtzum is not running. Check the plugin settings, then run "Restart network".';
    return null;
  }
}

/** The folder a menu or command acts on: the folder itself, or a file's folder. */
export function folderOf(file: TAbstractFile | null): TFolder | null {
  if (file instanceof TFolder) return file;
  return file?.parent ?? null;
}

function firstNote(folder: TFolder): TFile | null {
  const stack: TAbstractFile[] = [folder];
  for (let next = stack.shift(); next; next = stack.shift()) {
    if (next instanceof TFile && next.extension === 'md') return next;
    if (next instanceof TFolder) stack.push(...next.children);
  }
  return null;
}

/** Copy text; false where the clipboard is unavailable (the caller shows the text instead). */
export async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
