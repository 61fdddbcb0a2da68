// Subscribing: paste a link, then confirm what it opens (title, key, size) before anything is written.
import { Modal, Setting, type App } from 'obsidian';
import { formatBytes } from '../engine/format-bytes';
import type { MountMode } from '../mount/mount';
import type { KnowledgeBasePreview } from '../peer/peer-api';

/** "Subscribe to knowledge base": asks for a share link. */
export class SubscribeModal extends Modal {
  private link = '';

  constructor(app: App, private readonly onSubmit: (link: string) => Promise<void>) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle('Subscribe to knowledge base');
    new Setting(this.contentEl)
      .setName('Share link')
      .setDesc('Paste the link you were given.')
      .addText((text) => text.setPlaceholder('Share link').onChange((value) => { this.link = value; }));
    new Setting(this.contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Continue').setCta().onClick(async () => {
        this.close();
        await this.onSubmit(this.link.trim());
      }));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** The user's choices when confirming a subscription. */
export interface SubscribeChoices {
  mode: MountMode;
  allowCode: boolean;
}

/** Shows what a link opens and asks before subscribing. */
export class ConfirmSubscribeModal extends Modal {
  private choices: SubscribeChoices;

  constructor(app: App, private readonly preview: KnowledgeBasePreview, private readonly folder: string, mode: MountMode, private readonly onConfirm: (choices: SubscribeChoices) => Promise<void>) {
    super(app);
    this.choices = { mode, allowCode: false };
  }

  override onOpen(): void {
    const { preview, contentEl } = this;
    this.setTitle(`Subscribe to "${preview.title}"?`);
    const facts = contentEl.createDiv({ cls: 'tzimtzum-preview' });
    if (preview.description) facts.createEl('p', { text: preview.description });
    const size = `${preview.complete ? '' : 'at least '}${preview.files} files, ${formatBytes(preview.bytes)}`;
    for (const [label, value] of [['Key', preview.id], ['Size', size], ['Author', preview.author || 'Not given'], ['Folder', this.folder]]) {
      const row = facts.createDiv({ cls: 'tzimtzum-preview-row' });
      row.createSpan({ cls: 'tzimtzum-preview-label', text: label });
      row.createEl('code', { cls: 'tzimtzum-preview-value', text: value });
    }
    new Setting(contentEl)
      .setName('Download')
      .setDesc('Everything now, or each note when you open it.')
      .addDropdown((dropdown) => dropdown.addOptions({ full: 'Everything', lazy: 'Notes when opened' }).setValue(this.choices.mode).onChange((value) => {
        this.choices.mode = value === 'lazy' ? 'lazy' : 'full';
      }));
    new Setting(contentEl)
      .setName('Allow executable code')
      .setDesc('Off: code blocks that plugins would run (scripts and template commands) are shown as plain text. Turn on only if you trust the author.')
      .addToggle((toggle) => toggle.setValue(false).onChange((value) => { this.choices.allowCode = value; }));
    new Setting(contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Subscribe').setCta().onClick(async () => {
        this.close();
        await this.onConfirm(this.choices);
      }));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
