// Buying one paid note: ask the author for an invoice, show it as a QR code and as text for any Lightning
// wallet, show what "Pay with my wallet" would cost (fee included) before it can be pressed, then follow
// the purchase live until the note is unlocked.
import type { OfferView, PaidNoteInfo, PeerApi, PeerEvent, PurchaseUpdate } from '../peer/peer-api';
import { messageOf } from './mount-guard';
import { invoiceQrText, renderQr } from './qr';

/** What a checkout needs from the view that holds it. */
export interface CheckoutContext {
  api: PeerApi;
  maxFeeSats: () => number;
  /** Keep a cleanup until the view closes. */
  register: (cleanup: () => void) => void;
  copy: (text: string) => Promise<void>;
  /** The note was unlocked: open it. */
  onUnlocked: (note: PaidNoteInfo) => void;
}

const STATUS: Record<PurchaseUpdate['state'], string> = {
  requested: 'Asking the author for an invoice…',
  offered: 'Waiting for payment',
  paying: 'Paying…',
  paid: 'Paid. Unlocking…',
  unlocked: 'Unlocked',
  expired: 'This invoice expired. Ask for a new one.',
  failed: 'The purchase failed.',
};

/** The unlock flow of one note, drawn into `el`. */
export class UnlockCheckout {
  private offer: OfferView | null = null;
  private state: PurchaseUpdate['state'] = 'requested';
  private readonly statusEl: HTMLElement;
  private readonly body: HTMLElement;

  constructor(private readonly el: HTMLElement, readonly note: PaidNoteInfo, private readonly ctx: CheckoutContext) {
    el.empty();
    el.addClass('tzimtzum-checkout');
    el.createEl('h4', { text: `Unlock "${note.title}"` });
    this.statusEl = el.createDiv({ cls: 'tzimtzum-unlock-status' });
    this.body = el.createDiv({ cls: 'tzimtzum-checkout-body' });
    this.setStatus('requested');
  }

  /** Ask for the invoice and draw it. */
  async start(): Promise<void> {
    try {
      this.offer = await this.ctx.api.requestOffer(this.note.kbId, this.note.noteId);
    } catch (err) {
      this.setStatus('failed', messageOf(err));
      return;
    }
    if (this.state === 'unlocked') return; // a grant (already owned) can arrive before the offer call returns
    this.setStatus('offered');
    this.drawOffer(this.offer);
    const wait = this.offer.expiresAt - Date.now();
    const timer = window.setTimeout(() => {
      if (this.state === 'offered') this.setStatus('expired');
    }, Math.max(0, wait));
    this.ctx.register(() => window.clearTimeout(timer));
  }

  /** Follow the purchase through the peer's events. */
  handle(event: PeerEvent): void {
    if (event.type === 'purchase' && event.purchase.requestId === this.offer?.requestId) {
      if (event.purchase.state === 'unlocked') this.unlocked();
      else this.setStatus(event.purchase.state, event.purchase.failure ?? undefined);
    } else if (event.type === 'unlocked' && event.id === this.note.kbId && event.noteId === this.note.noteId) {
      this.unlocked();
    }
  }

  /** Unlocked (by this purchase, a payment from another wallet, or a restore): say so and open the note, once. */
  private unlocked(): void {
    if (this.state === 'unlocked') return;
    this.setStatus('unlocked');
    this.ctx.onUnlocked(this.note);
  }

  private drawOffer(offer: OfferView): void {
    const body = this.body;
    body.empty();
    body.createDiv({ cls: 'tzimtzum-checkout-price', text: `${formatSats(offer.amountSats)} to the author` });
    renderQr(body.createDiv({ cls: 'tzimtzum-qr-frame' }), invoiceQrText(offer.bolt11), `Lightning invoice for ${formatSats(offer.amountSats)}`);
    body.createEl('p', { cls: 'tzimtzum-hint', text: 'Scan the code with your wallet app, or copy the invoice.' });
    const invoice = body.createDiv({ cls: 'tzimtzum-invoice' });
    invoice.createEl('code', { cls: 'tzimtzum-invoice-text', text: offer.bolt11 });
    invoice.createEl('button', { text: 'Copy invoice' }).addEventListener('click', () => void this.ctx.copy(offer.bolt11));
    body.createDiv({ cls: 'tzimtzum-invoice-expiry', text: `Expires at ${new Date(offer.expiresAt).toLocaleTimeString()}.` });
    const wallet = body.createDiv({ cls: 'tzimtzum-pay-with-wallet' });
    const fee = wallet.createDiv({ cls: 'tzimtzum-fee', text: 'Checking the fee…' });
    void this.ctx.api.quote(offer.bolt11).then((quote) => {
      fee.setText(`Network fee: ${formatSats(quote.feeSats)}. Total: ${formatSats(quote.amountSats + quote.feeSats)}.`);
      const maxFee = this.ctx.maxFeeSats();
      if (quote.feeSats > maxFee) {
        wallet.createDiv({ cls: 'tzimtzum-error', text: `The fee is above your limit of ${formatSats(maxFee)}. Raise it in the settings, or pay with another wallet.` });
        return;
      }
      const button = wallet.createEl('button', { cls: 'mod-cta', text: 'Pay with my wallet' });
      button.addEventListener('click', () => {
        button.disabled = true;
        void this.pay(offer, maxFee).finally(() => { button.disabled = this.state !== 'offered'; });
      });
    }, (err: unknown) => {
      fee.setText(`Pay with my wallet is not available: ${messageOf(err)}`);
      fee.addClass('tzimtzum-error');
    });
  }

  private async pay(offer: OfferView, maxFeeSats: number): Promise<void> {
    this.setStatus('paying');
    try {
      const purchase = await this.ctx.api.payWithWallet(offer.requestId, maxFeeSats);
      // Events may already have moved the status on (to unlocked); only move forward from here.
      if (this.state === 'paying' && purchase.state === 'unlocked') this.unlocked();
      else if (this.state === 'paying') this.setStatus(purchase.state, purchase.failure ?? undefined);
    } catch (err) {
      this.setStatus('offered');
      this.statusEl.setText(`Not paid: ${messageOf(err)}`);
      this.statusEl.addClass('tzimtzum-error');
    }
  }

  private setStatus(state: PurchaseUpdate['state'], detail?: string): void {
    if (this.state === 'unlocked' && state !== 'unlocked') return;
    this.state = state;
    this.statusEl.dataset.state = state;
    this.statusEl.toggleClass('tzimtzum-error', state === 'failed' || state === 'expired');
    this.statusEl.setText(detail && (state === 'failed' || state === 'offered') ? `${STATUS[state]} ${detail}` : STATUS[state]);
  }
}

/** Sats as people read them: "2,100 sats". */
export function formatSats(sats: number): string {
  return `${sats.toLocaleString('en-US')} ${sats === 1 ? 'sat' : 'sats'}`;
}
