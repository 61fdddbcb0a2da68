// "Share folder as knowledge base": a title and a description, then share.
import { Modal, Setting, type App } from 'obsidian';

/** What the user entered. */
export interface ShareDetails {
  title: string;
  description: string;
}

/** Asks for a knowledge base's title and description. */
export class ShareModal extends Modal {
  private details: ShareDetails;

  constructor(app: App, folderName: string, private readonly onSubmit: (details: ShareDetails) => Promise<void>) {
    super(app);
    this.details = { title: folderName, description: '' };
  }

  override onOpen(): void {
    this.setTitle('Share folder as knowledge base');
    const { contentEl } = this;
    contentEl.createEl('p', { cls: 'tzimtzum-modal-hint', text: 'Anyone with the link can read this folder while a device that has it is online. Notes you edit here are published as you save them.' });
    new Setting(contentEl).setName('Title').addText((text) => text.setValue(this.details.title).onChange((value) => { this.details.title = value; }));
    new Setting(contentEl).setName('Description').addTextArea((text) => text.setPlaceholder('What readers will find here').onChange((value) => { this.details.description = value; }));
    new Setting(contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Share').setCta().onClick(async () => {
        button.setDisabled(true);
        this.close();
        await this.onSubmit({ title: this.details.title.trim(), description: this.details.description.trim() });
      }));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
