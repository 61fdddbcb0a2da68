// The purchases part of the paid-notes view: receipts of unlocked notes, restoring them from the
// knowledge base's grants (a new device with the same recovery words), and exporting the receipts.
import { Notice, type App } from 'obsidian';
import type { PeerApi } from '../peer/peer-api';
import { ShowTextModal } from './confirm-modal';
import { messageOf } from './mount-guard';
import { formatSats } from './unlock-checkout';

/** Draws the purchases section into `el`; `render` reloads it. */
export class PurchasesSection {
  constructor(private readonly el: HTMLElement, private readonly app: App, private readonly api: PeerApi, private readonly selectedKb: () => string | null) {}

  async render(): Promise<void> {
    const el = this.el;
    el.empty();
    el.addClass('tzimtzum-purchases');
    const header = el.createDiv({ cls: 'tzimtzum-section-header' });
    header.createEl('h4', { text: 'Purchases' });
    const actions = header.createDiv({ cls: 'tzimtzum-section-actions' });
    actions.createEl('button', { text: 'Restore purchases' }).addEventListener('click', () => void this.restore());
    actions.createEl('button', { text: 'Export' }).addEventListener('click', () => void this.export());
    const list = el.createDiv({ cls: 'tzimtzum-receipts' });
    try {
      const receipts = await this.api.purchases();
      if (receipts.length === 0) list.createEl('p', { cls: 'tzimtzum-empty', text: 'No purchases on this device yet.' });
      for (const receipt of receipts) {
        const row = list.createDiv({ cls: 'tzimtzum-receipt' });
        row.createSpan({ cls: 'tzimtzum-receipt-title', text: receipt.title });
        row.createSpan({ cls: 'tzimtzum-receipt-amount', text: formatSats(receipt.amountSats) });
        row.createSpan({ cls: 'tzimtzum-receipt-date', text: new Date(receipt.unlockedAt).toLocaleDateString() });
      }
    } catch (err) {
      list.createDiv({ cls: 'tzimtzum-error', text: messageOf(err) });
    }
  }

  private async restore(): Promise<void> {
    const kbId = this.selectedKb();
    if (!kbId) {
      new Notice('Choose a knowledge base first.');
      return;
    }
    try {
      const count = await this.api.restorePurchases(kbId);
      new Notice(count === 0 ? 'Nothing to restore: no other purchases of yours were found in this knowledge base.' : `Restored ${count} ${count === 1 ? 'purchase' : 'purchases'}.`);
    } catch (err) {
      new Notice(`Could not restore purchases: ${messageOf(err)}`);
    }
    await this.render();
  }

  private async export(): Promise<void> {
    try {
      const json = await this.api.exportPurchases();
      new ShowTextModal(this.app, 'Purchase receipts', 'Receipts signed by the authors, for your records. They hold no keys.', json).open();
    } catch (err) {
      new Notice(`Could not export purchases: ${messageOf(err)}`);
    }
  }
}
