// `subscribe --buy <note path>`: buy paid notes of the knowledge base being followed, once their locked
// stubs are mounted and a seller is reachable; bounded retries, every step reported.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseUnlockBlock, UNLOCK_BLOCK } from '../paywall/locked-stub';
import type { Peer } from '../peer/peer';
import type { Output } from './output';

const ATTEMPTS = 60;
const RETRY_MS = 1000;

/** Buy each note (a path in the knowledge base) with the peer's wallet; resolves when all are settled. */
export async function buyNotes(peer: Peer, kbId: string, notes: string[], out: Output, opts: { maxFeeSats: number; stopped: () => boolean }): Promise<void> {
  for (const note of notes) {
    const mount = peer.mountOf(kbId);
    if (!mount) {
      out.error(`Cannot buy "${note}": this knowledge base is not mounted.`);
      continue;
    }
    let done = false;
    for (let attempt = 0; attempt < ATTEMPTS && !done && !opts.stopped(); attempt++) {
      try {
        const text = await readFile(path.join(mount.root, ...note.split('/')), 'utf8').catch(() => '');
        const block = new RegExp('```' + UNLOCK_BLOCK + '\\n([\\s\\S]*?)```').exec(text);
        const request = block && mount.owns(note) ? parseUnlockBlock(block[1]) : null;
        if (!request) {
          if (text !== '' && !text.includes(UNLOCK_BLOCK)) {
            out.say(`"${note}" is not locked on this device.`, { event: 'buy-skipped', note });
            done = true;
          }
        } else {
          const offer = await peer.paywall.requestOffer(kbId, request.noteId);
          out.say(`Buying "${offer.title}" for ${offer.amountSats} sats…`, { event: 'buying', note, amountSats: offer.amountSats });
          const purchase = await peer.paywall.payWithWallet(offer.requestId, { maxFeeSats: opts.maxFeeSats });
          out.say(`Paid for "${offer.title}"; waiting for the author's grant.`, { event: 'paid', note, state: purchase.state });
          done = true;
        }
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'already-owned') {
          done = true;
        } else if (code !== 'author-offline' && code !== 'timeout') {
          out.error(`Could not buy "${note}": ${err instanceof Error ? err.message : String(err)}`, { note });
          done = true;
        }
      }
      if (!done) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
