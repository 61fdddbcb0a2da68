// The wallet part of the paid-notes view: which network, the balance (or why it cannot be shown), and
// an invoice to receive sats. Problems reaching the wallet are shown in place, in words to act on.
import type { PeerApi } from '../peer/peer-api';
import { messageOf } from './mount-guard';
import { invoiceQrText, renderQr } from './qr';
import { formatSats } from './unlock-checkout';

const NETWORK_NAMES = { mainnet: 'Bitcoin (real money)', regtest: 'Regtest (test money)' } as const;

/** Draws the wallet section into `el`; `render` reloads it. */
export class WalletSection {
  constructor(private readonly el: HTMLElement, private readonly api: PeerApi, private readonly copy: (text: string) => Promise<void>) {}

  async render(): Promise<void> {
    const el = this.el;
    el.empty();
    el.addClass('tzimtzum-wallet');
    const header = el.createDiv({ cls: 'tzimtzum-section-header' });
    header.createEl('h4', { text: 'Wallet' });
    header.createEl('button', { text: 'Refresh' }).addEventListener('click', () => void this.render());
    const facts = el.createDiv({ cls: 'tzimtzum-wallet-facts' });
    let info;
    try {
      info = await this.api.wallet();
    } catch (err) {
      el.createDiv({ cls: 'tzimtzum-error tzimtzum-wallet-error', text: messageOf(err) });
      return;
    }
    facts.createDiv({ cls: 'tzimtzum-wallet-network', text: `Network: ${info.network ? NETWORK_NAMES[info.network] : 'none'}` });
    if (info.balanceSats !== null) facts.createDiv({ cls: 'tzimtzum-wallet-balance', text: `Balance: ${formatSats(info.balanceSats)}` });
    else if (info.unavailable) facts.createDiv({ cls: 'tzimtzum-wallet-balance tzimtzum-hint', text: `Balance unavailable. ${info.unavailable}` });
    if (info.error) el.createDiv({ cls: 'tzimtzum-error tzimtzum-wallet-error', text: info.error });
    if (info.network) this.receiveForm(el.createDiv({ cls: 'tzimtzum-receive' }));
  }

  private receiveForm(el: HTMLElement): void {
    const form = el.createDiv({ cls: 'tzimtzum-receive-form' });
    const amount = form.createEl('input', { type: 'number', placeholder: 'Amount in sats', attr: { min: 1, step: 1 } });
    const result = el.createDiv({ cls: 'tzimtzum-receive-invoice' });
    form.createEl('button', { text: 'Receive' }).addEventListener('click', () => {
      const sats = Number(amount.value);
      result.empty();
      if (!Number.isSafeInteger(sats) || sats < 1) {
        result.createDiv({ cls: 'tzimtzum-error', text: 'Enter a whole number of sats, at least 1.' });
        return;
      }
      void this.api.walletInvoice(sats).then((invoice) => {
        renderQr(result.createDiv({ cls: 'tzimtzum-qr-frame' }), invoiceQrText(invoice.bolt11), `Lightning invoice for ${formatSats(invoice.amountSats)}`);
        const row = result.createDiv({ cls: 'tzimtzum-invoice' });
        row.createEl('code', { cls: 'tzimtzum-invoice-text', text: invoice.bolt11 });
        row.createEl('button', { text: 'Copy invoice' }).addEventListener('click', () => void this.copy(invoice.bolt11));
      }, (err: unknown) => {
        result.createDiv({ cls: 'tzimtzum-error tzimtzum-wallet-error', text: messageOf(err) });
      });
    });
  }
}
