// "Join as writer": paste an invite (or confirm the one a link brought), choose a new vault folder, and
// join. The dialog stays open while the owner's device is asked, and shows what went wrong in place, so
// the user can fix the folder or ask for a new invite without starting over. Nothing is joined without
// a click on "Join".
import { Modal, Notice, Setting, type App } from 'obsidian';
import { messageOf } from './mount-guard';

export interface JoinModalOptions {
  /** The invite, when a link brought it. */
  code?: string;
  /** The folder suggested for the knowledge base. */
  folder: string;
  /** Why the folder cannot be used, or null (checked before asking anyone). */
  checkFolder: (folder: string) => string | null;
  /** Join; resolves once this device writes the knowledge base, throws with a message for the user. */
  join: (code: string, folder: string) => Promise<void>;
}

/** Asks for an invite and a folder, then joins. */
export class JoinModal extends Modal {
  private code: string;
  private folder: string;
  private busy = false;
  private closed = false;

  constructor(app: App, private readonly opts: JoinModalOptions) {
    super(app);
    this.code = opts.code ?? '';
    this.folder = opts.folder;
  }

  override onOpen(): void {
    const { contentEl } = this;
    this.setTitle('Join as writer');
    contentEl.createEl('p', {
      cls: 'tzimtzum-modal-hint',
      text: this.opts.code
        ? 'A link asks this device to join a knowledge base as a writer. Join only if you asked for this invite: its notes will sync into a new folder of this vault, and what you write there reaches every other writer.'
        : 'Paste the invite code or link you were given. The knowledge base\'s notes sync into a new folder of this vault, and what you write there reaches every other writer.',
    });
    new Setting(contentEl)
      .setName('Invite')
      .setDesc('The code or link from the device or person who invited you.')
      .addTextArea((text) => text.setPlaceholder('Invite code or link').setValue(this.code).onChange((value) => { this.code = value; }));
    new Setting(contentEl)
      .setName('Folder')
      .setDesc('A new folder in this vault for the knowledge base.')
      .addText((text) => text.setValue(this.folder).onChange((value) => { this.folder = value; }));
    const status = contentEl.createDiv({ cls: 'tzimtzum-join-status' });
    new Setting(contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Join').setCta().onClick(async () => {
        if (this.busy) return;
        const code = this.code.trim();
        const problem = code === '' ? 'Paste the invite code or link first.' : this.opts.checkFolder(this.folder);
        if (problem) {
          showStatus(status, problem, true);
          return;
        }
        this.busy = true;
        button.setDisabled(true);
        showStatus(status, 'Asking the owner\'s device… (it must be online with Tzimtzum running)', false);
        try {
          await this.opts.join(code, this.folder);
          this.close();
        } catch (err) {
          // Closed while waiting: the answer still deserves to be seen.
          if (this.closed) new Notice(`Could not join: ${messageOf(err)}`);
          else showStatus(status, messageOf(err), true);
        } finally {
          this.busy = false;
          button.setDisabled(false);
        }
      }));
  }

  override onClose(): void {
    this.closed = true;
    this.contentEl.empty();
  }
}

function showStatus(el: HTMLElement, text: string, error: boolean): void {
  el.setText(text);
  el.toggleClass('tzimtzum-error', error);
}
