// The invitee's side of writer invites: redeem a code with this device's own writer key, then wait for
// the owner's add to arrive.
//
// The writer key is the one this device will write with in the namespace it opens the knowledge base in
// (`KnowledgeBase.localWriterKey`): each device writes with its own key, derived on that device; no key
// and no store is ever copied between devices. The expiry is checked here first, so an expired code fails
// at once without announcing anything; everything else (revoked, used, another knowledge base) only the
// owner's device can judge.
import type BlindPairing from 'blind-pairing';
import type { PairingError } from 'blind-pairing';
import crypto from 'hypercore-crypto';
import type { KnowledgeBase } from '../engine/knowledge-base';
import { isExpired, parseInvite, type InviteCode } from './invite-code';

/** Default wait for an owner device to answer. */
export const DEFAULT_REDEEM_TIMEOUT_MS = 30_000;

/** Why a redemption failed; `message` tells the user what to do. */
export class RedeemError extends Error {
  override readonly name = 'RedeemError';
  constructor(readonly code: 'expired' | 'used' | 'refused' | 'timeout' | 'busy' | 'bad-writer-key', message: string) {
    super(message);
  }
}

export interface RedeemOptions {
  /** The peer's pairing service (see `createPairing`), on a swarm that replicates the peer's store. */
  pairing: BlindPairing;
  /** The invite: a code or either link form (parsed strictly), or an already parsed code. */
  code: string | InviteCode;
  /** The key this device will write with: `KnowledgeBase.localWriterKey(store, namespace)`. */
  writerKey: Buffer;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Ask the knowledge base's owner to add this device as a writer. Resolves with the knowledge base's key once
 * an owner device confirmed; open the base with it in the same namespace, then `waitUntilWritable`.
 * Throws `InviteCodeError` for text that is not an invite and `RedeemError` otherwise.
 */
export async function redeemInvite(opts: RedeemOptions): Promise<{ key: Buffer; discoveryKey: Buffer }> {
  const invite = typeof opts.code === 'string' ? parseInvite(opts.code) : opts.code;
  const now = opts.now ?? Date.now;
  if (isExpired(invite, now())) {
    throw new RedeemError('expired', `This invite expired on ${new Date(invite.expires).toISOString()}. Ask the owner for a new invite.`);
  }
  if (!Buffer.isBuffer(opts.writerKey) || opts.writerKey.byteLength !== 32) {
    throw new RedeemError('bad-writer-key', 'A writer key is 32 bytes: the key this device will write with in the knowledge base.');
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REDEEM_TIMEOUT_MS;

  let settle!: { resolve: (key: Buffer) => void; reject: (err: Error) => void };
  const answered = new Promise<Buffer>((resolve, reject) => { settle = { resolve, reject }; });
  let candidate: ReturnType<BlindPairing['addCandidate']>;
  try {
    candidate = opts.pairing.addCandidate({
      invite: invite.invite,
      userData: opts.writerKey,
      onadd: (result) => settle.resolve(Buffer.from(result.key)),
    });
  } catch {
    throw new RedeemError('busy', 'This device is already redeeming an invite for this knowledge base; wait for it to finish.');
  }
  candidate.request.on('rejected', (err) => {
    // Only the owner's device can encrypt a denial to this request; anything else (a reply that does not
    // decrypt, from whoever else is on the topic) is noise, and the wait goes on.
    const refused = refusal(err);
    if (refused) settle.reject(refused);
  });
  const timer = setTimeout(() => {
    settle.reject(new RedeemError('timeout', 'No owner device of this knowledge base answered; ask the owner to open Tzimtzum, then try again.'));
  }, timeoutMs);
  try {
    const key = await answered;
    // blind-pairing already checks this; a key for another base must never be opened as this one.
    if (!crypto.discoveryKey(key).equals(invite.discoveryKey)) throw new RedeemError('refused', 'The answer named another knowledge base than the invite. Ask the owner for a new invite.');
    return { key, discoveryKey: invite.discoveryKey };
  } finally {
    clearTimeout(timer);
    await candidate.close().catch(() => undefined);
  }
}

/**
 * Resolves once the owner's add has reached this device: it may write, and its role is in the view (an
 * owner device answers invites only once it sees itself as one). Throws `RedeemError` ('timeout') after `timeoutMs`.
 */
export async function waitUntilWritable(kb: KnowledgeBase, timeoutMs: number): Promise<void> {
  const ready = async () => kb.writable && (await kb.roleOf(kb.localWriterKey)) !== null;
  if (await ready()) return;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      void ready().then((yes) => {
        if (!yes) return;
        done();
        resolve();
      });
    };
    const timer = setTimeout(() => {
      done();
      reject(new RedeemError('timeout', 'The owner added this device, but the change has not arrived yet. Stay connected to an owner device (keep Tzimtzum open on both) and try again.'));
    }, timeoutMs);
    // The role lands in the view in the same apply cycle that makes the device writable, but a reader may
    // see it a moment after the last event of that cycle: look again on a short interval too.
    const poll = setInterval(check, 100);
    const done = () => {
      clearTimeout(timer);
      clearInterval(poll);
      kb.base.off('writable', check);
      kb.off('update', check);
    };
    kb.base.on('writable', check);
    kb.on('update', check);
    check();
  });
}

function refusal(err: PairingError): RedeemError | null {
  if (err.code === 'INVITE_USED') {
    return new RedeemError('used', 'This invite was already used by another device; an invite adds one device. Ask the owner for a new invite.');
  }
  if (err.code === 'INVITE_EXPIRED') {
    return new RedeemError('expired', 'The owner\'s device says this invite has expired. Ask the owner for a new invite.');
  }
  if (err.code !== 'PAIRING_REJECTED') return null;
  return new RedeemError('refused', 'The owner\'s device refused this invite: it was revoked, or is for another knowledge base. Ask the owner for a new invite.');
}
