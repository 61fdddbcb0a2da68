// The paid-notes calls of the PeerApi, as plain data: the locked notes of a knowledge base (from its
// envelopes' public headers and the mount's files), receipts, and the wallet. Note keys never leave the
// peer: what the UI sees of a purchase is its receipt.
import type { KnowledgeBase } from '../engine/knowledge-base';
import { PaymentError, type PaymentNetwork, type PaymentRail } from '../payments/payment-rail';
import { LocalRail } from '../payments/local-rail';
import type { BuyerPurchase } from '../paywall/order-book';
import { decodeEnvelope } from '../paywall/sealed-note';
import type { Peer } from './peer';
import type { WalletKind } from './wallet-rail';

/** A paid note of a followed knowledge base, as its public header describes it. */
export interface PaidNoteInfo {
  kbId: string;
  noteId: string;
  title: string;
  preview: string;
  /** The price in the author's signed envelope (what an offer must match). */
  priceSats: number;
  /** The path in the knowledge base. */
  source: string;
  /** Where the mount wrote it, relative to the mount's folder; null when no mount holds it. */
  path: string | null;
  unlocked: boolean;
}

/** One purchase this device has unlocked: its author-signed receipt, without the note key. */
export interface ReceiptInfo {
  kbId: string;
  noteId: string;
  title: string;
  amountSats: number;
  unlockedAt: number;
  /** The author-signed receipt, hex. */
  receipt: string;
}

/** A purchase moving through its states, for live status in the UI. */
export interface PurchaseUpdate {
  requestId: string;
  kbId: string;
  noteId: string;
  state: BuyerPurchase['state'];
  amountSats: number | null;
  failure: string | null;
}

/** What the wallet section shows. */
export interface WalletInfo {
  kind: WalletKind;
  network: PaymentNetwork | null;
  /** This user's wallet name where the rail has names (a local ledger). */
  account: string | null;
  balanceSats: number | null;
  /** Why there is no balance when the rail cannot tell it (no wallet, or Spark). */
  unavailable: string | null;
  /** What went wrong reaching the wallet (offline, closed, damaged), in words the user can act on. */
  error: string | null;
}

/** An invoice to receive sats into this device's wallet. */
export interface WalletInvoice {
  bolt11: string;
  amountSats: number;
  expiresAt: number;
}

/** Every paid note of a knowledge base, with the mount path it was written to. */
export async function paidNotesOf(peer: Peer, kb: KnowledgeBase): Promise<PaidNoteInfo[]> {
  const mount = peer.mountOf(kb.id);
  const diskOf = new Map(Object.entries(mount?.files ?? {}).map(([disk, file]) => [file.source, disk]));
  const notes: PaidNoteInfo[] = [];
  for await (const entry of kb.files()) {
    if (entry.kind !== 'paid-note') continue;
    const bytes = await kb.read(entry, { timeout: 10_000 }).catch(() => null);
    const envelope = bytes ? decodeEnvelope(bytes) : null;
    if (!envelope) continue;
    notes.push({
      kbId: kb.id, noteId: envelope.noteId.toString('hex'), title: envelope.title, preview: envelope.preview, priceSats: envelope.price,
      source: entry.path, path: diskOf.get(entry.path) ?? null, unlocked: peer.paywall.keys.has(kb.id, envelope.noteId),
    });
  }
  return notes;
}

/** The receipts of every unlocked note, titled from the knowledge bases still open. */
export async function receiptsOf(peer: Peer): Promise<ReceiptInfo[]> {
  const purchases = peer.paywall.purchases();
  const titles = new Map<string, string>();
  for (const kbId of new Set(purchases.map((p) => p.kbId))) {
    const kb = peer.knowledgeBase(kbId);
    if (!kb) continue;
    for (const note of await paidNotesOf(peer, kb).catch(() => [])) titles.set(`${kbId}/${note.noteId}`, note.title);
  }
  return purchases
    .map((p) => ({ kbId: p.kbId, noteId: p.noteId, title: titles.get(`${p.kbId}/${p.noteId}`) ?? `Note ${p.noteId.slice(0, 8)}`, amountSats: p.amountSats, unlockedAt: p.unlockedAt, receipt: p.receipt }))
    .sort((a, b) => b.unlockedAt - a.unlockedAt);
}

/** A purchase's state without its secrets (offer bytes, preimage). */
export function purchaseUpdate(purchase: BuyerPurchase): PurchaseUpdate {
  return {
    requestId: purchase.requestId, kbId: purchase.kbId, noteId: purchase.noteId, state: purchase.state,
    amountSats: purchase.amountSats ?? null, failure: purchase.failure ?? null,
  };
}

/** Network and balance of the wallet, or why the balance cannot be shown. */
export async function walletInfoOf(kind: WalletKind, rail: PaymentRail | null): Promise<WalletInfo> {
  if (!rail) {
    return { kind, network: null, account: null, balanceSats: null, unavailable: 'No wallet is set up. Choose one in the plugin settings, or pay invoices with any Lightning wallet.', error: null };
  }
  if (!(rail instanceof LocalRail)) {
    return { kind, network: rail.network, account: null, balanceSats: null, unavailable: 'Spark does not report the balance here. Open a wallet app with the same recovery words to see it.', error: null };
  }
  try {
    return { kind, network: rail.network, account: rail.wallet, balanceSats: await rail.balanceSats(), unavailable: null, error: null };
  } catch (err) {
    return { kind, network: rail.network, account: rail.wallet, balanceSats: null, unavailable: null, error: walletProblem(err) };
  }
}

/** A wallet failure in words the user can act on. */
export function walletProblem(err: unknown): string {
  if (err instanceof PaymentError) return err.message;
  const message = err instanceof Error ? err.message : String(err);
  return `The wallet cannot be reached (${message}). Check the wallet in the plugin settings, then try again.`;
}
