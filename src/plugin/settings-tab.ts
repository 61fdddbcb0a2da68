// The settings page: identity, where data lives and which DHT to join, where subscriptions go, what
// sharing leaves out, limits, and safety warnings.
import { Notice, PluginSettingTab, Setting, normalizePath, type App } from 'obsidian';
import type { PeerApi } from '../peer/peer-api';
import { ConfirmModal, ImportIdentityModal, ShowTextModal } from './confirm-modal';
import type { KnowledgeBaseIndex } from './knowledge-base-index';
import { messageOf } from './mount-guard';
import { dataFolderOf, type TzimtzumSettings } from './settings';
import { templaterWarning } from './templater-check';
import type TzimtzumPlugin from './tzimtzum-plugin';

/** What the tab needs besides the plugin. */
export interface SettingsTabContext {
  api: PeerApi;
  index: KnowledgeBaseIndex;
  settings: () => TzimtzumSettings;
  save: () => Promise<void>;
  restart: () => Promise<void>;
}

/** Tzimtzum's settings page. */
export class TzimtzumSettingTab extends PluginSettingTab {
  constructor(app: App, plugin: TzimtzumPlugin, private readonly ctx: SettingsTabContext) {
    super(app, plugin);
  }

  override display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const settings = this.ctx.settings();
    this.identitySection(containerEl);

    new Setting(containerEl).setName('Network').setHeading();
    new Setting(containerEl)
      .setName('Data folder')
      .setDesc('Where your identity and the downloaded knowledge bases are kept. Must be outside every vault and every synced folder. Empty: the default for your system.')
      .addText((text) => text.setPlaceholder(dataFolderOf({ ...settings, dataFolder: '' })).setValue(settings.dataFolder).onChange(async (value) => {
        settings.dataFolder = value.trim();
        await this.ctx.save();
      }));
    new Setting(containerEl)
      .setName('Bootstrap nodes')
      .setDesc('For a private network: addresses as host and port, separated by commas. Empty: the public network.')
      .addText((text) => text.setValue(settings.bootstrap).onChange(async (value) => {
        settings.bootstrap = value.trim();
        await this.ctx.save();
      }));
    new Setting(containerEl)
      .setName('Restart network')
      .setDesc('Apply data folder and bootstrap changes.')
      .addButton((button) => button.setButtonText('Restart').onClick(async () => {
        await this.ctx.restart();
        this.display();
      }));

    this.walletSection(containerEl);

    new Setting(containerEl).setName('Subscriptions').setHeading();
    new Setting(containerEl)
      .setName('Folder for subscriptions')
      .setDesc('Knowledge bases you subscribe to appear in a folder named after them inside this one.')
      .addText((text) => text.setValue(settings.mountRoot).onChange(async (value) => {
        settings.mountRoot = normalizePath(value.trim() || 'Knowledge bases');
        await this.ctx.save();
      }));
    new Setting(containerEl)
      .setName('Download')
      .setDesc('The default for new subscriptions.')
      .addDropdown((dropdown) => dropdown.addOptions({ full: 'Everything', lazy: 'Notes when opened' }).setValue(settings.defaultMountMode).onChange(async (value) => {
        settings.defaultMountMode = value === 'lazy' ? 'lazy' : 'full';
        await this.ctx.save();
      }));
    for (const kb of this.ctx.index.all().filter((item) => item.status.role === 'subscribed')) {
      new Setting(containerEl)
        .setName(`Allow executable code in "${kb.status.title}"`)
        .setDesc('Writes its notes again with code blocks as the author wrote them. Turn on only if you trust the author.')
        .addToggle((toggle) => toggle.setValue(settings.allowCode.includes(kb.status.id)).onChange(async (on) => {
          settings.allowCode = settings.allowCode.filter((id) => id !== kb.status.id).concat(on ? [kb.status.id] : []);
          await this.ctx.save();
          await this.run(() => this.ctx.api.rerender(kb.status.id), on ? 'Executable code is allowed in this knowledge base now.' : 'Executable code is neutralized in this knowledge base again.');
        }));
    }
    const warning = containerEl.createDiv({ cls: 'tzimtzum-settings-warning' });
    void templaterWarning(this.app, settings.mountRoot).then((text) => { if (text) warning.setText(text); });

    new Setting(containerEl).setName('Sharing').setHeading();
    new Setting(containerEl)
      .setName('Ignored files')
      .setDesc('Glob patterns, one per line, left out of every shared folder.')
      .addTextArea((text) => text.setValue(settings.ignore.join('\n')).onChange(async (value) => {
        settings.ignore = value.split('\n').map((line) => line.trim()).filter(Boolean);
        await this.ctx.save();
      }));

    new Setting(containerEl).setName('Limits').setHeading();
    this.numberSetting(containerEl, 'Largest file (MB)', 'Files above this size are not written into your vault.', 'maxFileMegabytes');
    this.numberSetting(containerEl, 'Most files per knowledge base', 'Files beyond this count are not written into your vault.', 'maxFiles');
  }

  private walletSection(containerEl: HTMLElement): void {
    const settings = this.ctx.settings();
    new Setting(containerEl).setName('Wallet').setHeading();
    new Setting(containerEl)
      .setName('Wallet for paid notes')
      .setDesc('Sells your paid notes and pays for the ones you unlock. Spark uses your recovery words. Restart the network to apply.')
      .addDropdown((dropdown) => dropdown
        .addOptions({ none: 'None (pay with any wallet app)', spark: 'Spark (real money)', 'spark-regtest': 'Spark regtest (test money)', local: 'Local ledger (development)' })
        .setValue(settings.wallet)
        .onChange(async (value) => {
          settings.wallet = value === 'spark' || value === 'spark-regtest' || value === 'local' ? value : 'none';
          await this.ctx.save();
          this.display();
        }));
    if (settings.wallet === 'local') {
      new Setting(containerEl)
        .setName('Ledger file')
        .setDesc('The local ledger shared with the other processes on this computer (absolute path).')
        .addText((text) => text.setValue(settings.ledgerFile).onChange(async (value) => {
          settings.ledgerFile = value.trim();
          await this.ctx.save();
        }));
    }
    this.numberSetting(containerEl, 'Largest fee (sats)', 'The most the wallet may spend on network fees for one purchase.', 'maxFeeSats', 0);
  }

  private identitySection(containerEl: HTMLElement): void {
    new Setting(containerEl).setName('Identity').setHeading();
    const dataDir = dataFolderOf(this.ctx.settings());
    const status = new Setting(containerEl).setName('This device').setDesc('Checking…');
    void this.ctx.api.identity(dataDir).then((info) => {
      if (!info.exists) {
        status.setDesc('No identity yet. Create one to share, or import your recovery words from another device.');
        status.addButton((button) => button.setButtonText('Create').setCta().onClick(() => this.run(() => this.ctx.api.createIdentity(dataDir), 'Identity created. Write down your recovery words (show them below), then restart the network.')));
        status.addButton((button) => button.setButtonText('Import').onClick(() => {
          new ImportIdentityModal(this.app, (words, device) => this.run(() => this.ctx.api.importIdentity(dataDir, words, device), 'Identity imported. Restart the network to use it.')).open();
        }));
        return;
      }
      status.setDesc(`Fingerprint ${info.fingerprint ?? ''}, device ${info.deviceIndex ?? 0}.`);
      status.addButton((button) => button.setButtonText('Show recovery words').setClass('mod-warning').onClick(() => {
        new ConfirmModal(this.app, {
          title: 'Show recovery words?',
          message: 'Anyone who sees these words can act as you and read what you bought. Make sure nobody is watching your screen.',
          confirm: 'Show',
          warning: true,
          onConfirm: async () => {
            try {
              const words = await this.ctx.api.recoveryWords(dataDir);
              new ShowTextModal(this.app, 'Recovery words', 'Write these down and keep them offline. They restore your identity on a new device.', words).open();
            } catch (err) {
              new Notice(messageOf(err));
            }
          },
        }).open();
      }));
    }, (err: unknown) => status.setDesc(`Could not read the identity: ${messageOf(err)}`));
  }

  /**
   * A whole number of at least `min`. Anything else is not saved, and the setting says so until the text
   * is a number again (the value in use stays the last valid one).
   */
  private numberSetting(containerEl: HTMLElement, name: string, desc: string, key: 'maxFileMegabytes' | 'maxFiles' | 'maxFeeSats', min = 1): void {
    const settings = this.ctx.settings();
    const setting = new Setting(containerEl).setName(name).setDesc(desc);
    setting.addText((text) => text.setValue(String(settings[key])).onChange(async (value) => {
      const parsed = /^\s*\d+\s*$/u.test(value) ? Number(value) : Number.NaN;
      const valid = Number.isSafeInteger(parsed) && parsed >= min;
      text.inputEl.toggleClass('tzimtzum-invalid', !valid);
      setting.setDesc(valid ? desc : `${desc} Enter a whole number${min > 0 ? ` of at least ${min}` : ''}; ${settings[key]} is used until then.`);
      if (!valid) return;
      settings[key] = parsed;
      await this.ctx.save();
    }));
  }

  private async run(step: () => Promise<unknown>, success: string): Promise<void> {
    try {
      await step();
      new Notice(success);
    } catch (err) {
      new Notice(messageOf(err));
    }
    this.display();
  }
}
