// Copying an invoice for another wallet; where the clipboard is unavailable the text stays selectable.
import { Notice } from 'obsidian';

/** Copy an invoice and say whether it worked. */
export async function copyInvoice(text: string): Promise<void> {
  try {
    if (typeof navigator === 'undefined' || !navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    new Notice('Invoice copied. Paste it into your wallet app.');
  } catch {
    new Notice('Could not copy the invoice. Select its text and copy it yourself.');
  }
}
