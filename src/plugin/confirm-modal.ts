// Small dialogs: a yes/no question, words to type in, and text to read (the recovery words).
import { Modal, Setting, type App } from 'obsidian';

/** Asks a question; `onConfirm` runs only on the confirming button. */
export class ConfirmModal extends Modal {
  constructor(app: App, private readonly opts: { title: string; message: string; confirm: string; warning?: boolean; onConfirm: () => Promise<void> | void }) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(this.opts.title);
    this.contentEl.createEl('p', { text: this.opts.message });
    new Setting(this.contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => {
        button.setButtonText(this.opts.confirm).onClick(async () => {
          this.close();
          await this.opts.onConfirm();
        });
        if (this.opts.warning) button.buttonEl.addClass('mod-warning');
        else button.setCta();
      });
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Shows text the user should copy by hand (recovery words), selectable. */
export class ShowTextModal extends Modal {
  constructor(app: App, private readonly title: string, private readonly hint: string, private readonly text: string) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle(this.title);
    this.contentEl.createEl('p', { text: this.hint });
    this.contentEl.createEl('pre', { cls: 'tzimtzum-recovery-words', text: this.text });
    new Setting(this.contentEl).addButton((button) => button.setButtonText('Done').setCta().onClick(() => this.close()));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}

/** Asks for recovery words and this device's number. */
export class ImportIdentityModal extends Modal {
  private words = '';
  private device = '1';

  constructor(app: App, private readonly onSubmit: (words: string, deviceIndex: number) => Promise<void>) {
    super(app);
  }

  override onOpen(): void {
    this.setTitle('Import identity');
    new Setting(this.contentEl)
      .setName('Recovery words')
      .setDesc('The 24 words you wrote down, separated by spaces.')
      .addTextArea((text) => text.onChange((value) => { this.words = value; }));
    new Setting(this.contentEl)
      .setName('Device number')
      .setDesc('A number no other live device of yours uses (your first device is 0).')
      .addText((text) => text.setValue(this.device).onChange((value) => { this.device = value; }));
    new Setting(this.contentEl)
      .addButton((button) => button.setButtonText('Cancel').onClick(() => this.close()))
      .addButton((button) => button.setButtonText('Import').setCta().onClick(async () => {
        this.close();
        await this.onSubmit(this.words, Number.parseInt(this.device, 10));
      }));
  }

  override onClose(): void {
    this.contentEl.empty();
  }
}
