// What the user can do with the writers of a knowledge base, as complete flows with feedback: invite a
// device or a co-author, join as a writer (from the command or an invite link, never without the user's
// click), remove a writer after confirmation, revoke an invite.
import { Notice, TFolder, normalizePath, type App } from 'obsidian';
import { isExpired, parseObsidianInviteParams } from '../writers/invite-code';
import type { InviteView, PeerApi, WriterView } from '../peer/peer-api';
import { ConfirmModal } from './confirm-modal';
import { InviteModal, type InviteToShow } from './invite-modal';
import { JoinModal } from './join-modal';
import { writeClipboard } from './knowledge-base-actions';
import type { IndexedKnowledgeBase, KnowledgeBaseIndex } from './knowledge-base-index';
import { messageOf } from './mount-guard';
import type { VaultPaths } from './vault-paths';

/** Where a joined knowledge base goes unless the user names another folder (an invite does not carry a title). */
export const DEFAULT_JOIN_FOLDER = 'Shared knowledge base';

/** What the writer flows need from the plugin. */
export interface WriterActionContext {
  app: App;
  api: PeerApi;
  index: KnowledgeBaseIndex;
  paths: VaultPaths;
}

/** The user's actions on writers and invites. */
export class WriterActions {
  constructor(private readonly ctx: WriterActionContext) {}

  /** Ask who the invite is for, create it, and show the code and links. */
  invite(kb: IndexedKnowledgeBase): void {
    if (kb.status.role !== 'shared') {
      new Notice(`"${kb.status.title}" is a knowledge base you follow; only its writers can invite others.`);
      return;
    }
    new InviteModal(this.ctx.app, {
      title: kb.status.title,
      copy: (text, what) => copy(text, what),
      create: (choices) => this.ctx.api.inviteWriter(kb.status.id, { role: choices.role, expiresInMs: choices.expiresInMs, name: choices.name || undefined }),
    }).open();
  }

  /** Show a pending invite again, to pass it on. */
  showInvite(kb: IndexedKnowledgeBase, invite: InviteView): void {
    if (!invite.code || !invite.link || !invite.obsidianLink) {
      new Notice('This invite can no longer be used. Create a new one.');
      return;
    }
    const shown: InviteToShow = { code: invite.code, link: invite.link, obsidianLink: invite.obsidianLink, role: invite.role, name: invite.name, expires: invite.expires };
    new InviteModal(this.ctx.app, { title: kb.status.title, copy: (text, what) => copy(text, what), create: () => Promise.resolve(shown), shown }).open();
  }

  /** Refuse an unused invite from now on. */
  async revokeInvite(invite: InviteView): Promise<void> {
    try {
      const revoked = await this.ctx.api.revokeInvite(invite.id);
      new Notice(revoked ? 'Invite revoked. It can no longer be used.' : 'This device did not issue that invite.');
    } catch (err) {
      new Notice(`Could not revoke the invite: ${messageOf(err)}`);
    }
  }

  /** Stop a writer's future changes, after confirmation. */
  removeWriter(kb: IndexedKnowledgeBase, writer: WriterView): void {
    const label = writerLabel(writer);
    new ConfirmModal(this.ctx.app, {
      title: `Remove ${label} from "${kb.status.title}"?`,
      message: 'Its later changes will be ignored; what it wrote so far stays. It can still read the knowledge base, like anyone with its link. To let it write again, send it a new invite.',
      confirm: 'Remove',
      warning: true,
      onConfirm: async () => {
        try {
          await this.ctx.api.removeWriter(kb.status.id, writer.key);
          new Notice(`Removed ${label} from "${kb.status.title}".`);
        } catch (err) {
          new Notice(`Could not remove ${label}: ${messageOf(err)}`);
        }
      },
    }).open();
  }

  /** "Join as writer": ask for the invite and a folder. */
  askToJoin(code?: string): void {
    if (!this.ctx.index.running) {
      new Notice('The network is not running. Check the plugin settings, then restart the network there.');
      return;
    }
    new JoinModal(this.ctx.app, {
      code,
      folder: this.freeFolder(DEFAULT_JOIN_FOLDER),
      checkFolder: (folder) => this.cannotJoinInto(folder),
      join: (invite, folder) => this.join(invite, folder),
    }).open();
  }

  /** The `obsidian://tzimtzum?invite=…` handler: check the invite, then let the user confirm in the Join dialog. */
  handleProtocol(params: Record<string, string>): void {
    let code: string;
    try {
      const invite = parseObsidianInviteParams(params);
      if (isExpired(invite)) {
        new Notice(`This invite expired on ${new Date(invite.expires).toLocaleString()}. Ask for a new invite.`);
        return;
      }
      code = invite.code;
    } catch (err) {
      new Notice(messageOf(err));
      return;
    }
    this.askToJoin(code);
  }

  private async join(code: string, folder: string): Promise<void> {
    const vaultFolder = normalizePath(folder.trim());
    // The peer creates the folder once the owner has answered, so a failed join leaves nothing behind.
    const status = await this.ctx.api.joinAsWriter(code, this.ctx.paths.toDisk(vaultFolder));
    new Notice(`Joined "${status.title}" as a writer. Its notes are in "${vaultFolder}"; what you write there reaches the other writers.`);
  }

  /** Why a vault folder cannot receive a joined knowledge base, or null. */
  private cannotJoinInto(folder: string): string | null {
    const path = normalizePath(folder.trim());
    if (path === '' || path === '/') return 'Choose a folder name for the knowledge base.';
    if (path.split('/').some((part) => part.startsWith('.'))) return 'Hidden folders are not synced. Choose a folder name that does not start with a dot.';
    const mounted = this.ctx.index.mountAt(path);
    if (mounted) return `"${path}" is inside "${mounted.kb.status.title}", a knowledge base you follow read-only. Choose another folder.`;
    const shared = this.ctx.index.shareAt(path);
    if (shared) return `"${path}" is inside "${shared.kb.status.title}", which you share: its notes would be published there too. Choose another folder.`;
    const inside = this.ctx.index.all().find((kb) => kb.vaultFolder?.startsWith(path + '/'));
    if (inside) return `"${path}" contains "${inside.vaultFolder}", another knowledge base. Choose another folder.`;
    const existing = this.ctx.app.vault.getAbstractFileByPath(path);
    if (existing && !(existing instanceof TFolder)) return `"${path}" is a file. Choose a folder name.`;
    if (existing instanceof TFolder && existing.children.length > 0) return `"${path}" already holds notes. Choose a new or empty folder.`;
    return null;
  }

  /** `name`, with a number added while that folder is taken. */
  private freeFolder(name: string): string {
    const base = normalizePath(name);
    for (let n = 1; n < 1000; n++) {
      const candidate = n === 1 ? base : `${base} ${n}`;
      if (!this.ctx.app.vault.getAbstractFileByPath(candidate)) return candidate;
    }
    return `${base} ${Date.now()}`;
  }
}

/** How the writers list names a writer: its name, else the start of its key. */
export function writerLabel(writer: Pick<WriterView, 'name' | 'key'>): string {
  return writer.name || `device ${writer.key.slice(0, 8)}`;
}

async function copy(text: string, what: string): Promise<void> {
  new Notice((await writeClipboard(text)) ? `${what} copied.` : `Could not copy. Select the text and copy it yourself.`);
}
