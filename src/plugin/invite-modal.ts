// "Invite device or co-author": who the invite is for, an optional name and how long it is valid; then
// the code and both links to pass on, with copy buttons and a QR code of the Obsidian link.
import { Modal, Setting, type App } from 'obsidian';
import type { NewInviteView, WriterRole } from '../peer/peer-api';
import { messageOf } from './mount-guard';
import { renderQr } from './qr';

const HOUR_MS = 60 * 60 * 1000;
/** How long an invite may stay valid (the domain allows at most a week). */
export const INVITE_VALIDITY: Record<string, { label: string; ms: number }> = {
  '1h': { label: '1 hour', ms: HOUR_MS },
  '1d': { label: '1 day', ms: 24 * HOUR_MS },
  '7d': { label: '7 days', ms: 7 * 24 * HOUR_MS },
};

/** What the user chose for a new invite. */
export interface InviteChoices {
  role: WriterRole;
  expiresInMs: number;
  name: string;
}

/** What an invite shows once it exists (a new one, or a pending one shown again). */
export type InviteToShow = Pick<NewInviteView, 'code' | 'link' | 'obsidianLink' | 'role' | 'name' | 'expires'>;

export interface InviteModalOptions {
  /** The knowledge base's title. */
  title: string;
  /** Create the invite; a thrown error is shown in the dialog. */
  create: (choices: InviteChoices) => Promise<InviteToShow>;
  copy: (text: string, what: string) => Promise<void>;
  /** Show this invite right away, without the form. */
  shown?: InviteToShow;
}

/** Asks for an invite's terms, then shows the invite. */
export class InviteModal extends Modal {
  // A co-author by default: the least power, until the user says the invite is for a device of theirs.
  private readonly choices: InviteChoices = { role: 'author', expiresInMs: INVITE_VALIDITY['1d'].ms, name: '' };

  constructor(app: App, private readonly opts: InviteModalOptions) {
    super(app);
  }

  override onOpen(): void {
    if (this.opts.shown) this.drawInvite(this.opts.shown);
    else this.drawForm();
  }

  override onClose(): void {
    this.contentEl.empty();
  }

  private drawForm(): void {
    const { contentEl } = this;
    this.setTitle(`Invite to "${this.opts.title}"`);
    contentEl.createEl('p', { cls: 'tzimtzum-modal-hint', text: 'An invite lets one device write this knowledge base. Only this device can answer it, so leave Obsidian open here until the other device has joined.' });
    new Setting(contentEl)
      .setName('Who is it for')
      .setDesc('Your own devices can also invite and remove writers. A co-author edits notes but cannot change who writes.')
      .addDropdown((dropdown) => dropdown.addOptions({ author: 'A co-author', owner: 'Another device of mine' }).setValue(this.choices.role).onChange((value) => {
        this.choices.role = value === 'author' ? 'author' : 'owner';
      }));
    new Setting(contentEl)
      .setName('Name')
      .setDesc('Optional. Shown in the writers list and in conflict copies.')
      .addText((text) => text.setPlaceholder('Laptop').onChange((value) => { this.choices.name = value; }));
    new Setting(contentEl)
      .setName('Valid for')
      .setDesc('An unused invite stops working after this.')
      .addDropdown((dropdown) => {
        for (const [value, { label }] of Object.entries(INVITE_VALIDITY)) dropdown.addOption(value, label);
        dropdown.setValue('1d').onChange((value) => { this.choices.expiresInMs = (INVITE_VALIDITY[value] ?? INVITE_VALIDITY['1d']).ms; });
      });
    const error = contentEl.createDiv({ cls: 'tzimtzum-error' });
    new Setting(contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Create invite').setCta().onClick(async () => {
        button.setDisabled(true);
        error.setText('');
        try {
          this.drawInvite(await this.opts.create({ ...this.choices, name: this.choices.name.trim() }));
        } catch (err) {
          error.setText(messageOf(err));
          button.setDisabled(false);
        }
      }));
  }

  private drawInvite(invite: InviteToShow): void {
    const { contentEl } = this;
    contentEl.empty();
    this.setTitle(`Invite to "${this.opts.title}"`);
    const who = invite.name ?? (invite.role === 'owner' ? 'another device of yours' : 'a co-author');
    contentEl.createEl('p', { cls: 'tzimtzum-modal-hint', text: `For ${who}, as ${invite.role === 'owner' ? 'an owner' : 'a co-author'}. On that device, open the link, or run "Join as writer" and paste the code. Leave Obsidian open here until it has joined; the code works once.` });
    renderQr(contentEl.createDiv({ cls: 'tzimtzum-qr-frame' }), invite.obsidianLink, 'Invite link for Obsidian');
    const rows = [
      { label: 'Code', text: invite.code, button: 'Copy code', what: 'Invite code' },
      { label: 'Obsidian link', text: invite.obsidianLink, button: 'Copy Obsidian link', what: 'Obsidian link' },
      { label: 'Link', text: invite.link, button: 'Copy link', what: 'Invite link' },
    ];
    for (const { label, text, button, what } of rows) {
      const row = contentEl.createDiv({ cls: 'tzimtzum-invite-row' });
      row.createSpan({ cls: 'tzimtzum-preview-label', text: label });
      row.createEl('code', { cls: 'tzimtzum-invite-text', text });
      row.createEl('button', { text: button }).addEventListener('click', () => void this.opts.copy(text, what));
    }
    contentEl.createDiv({ cls: 'tzimtzum-invite-expiry', text: `Expires ${new Date(invite.expires).toLocaleString()}.` });
    new Setting(contentEl).addButton((button) => button.setButtonText('Done').setCta().onClick(() => this.close()));
  }
}
