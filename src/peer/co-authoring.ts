// Writers of a knowledge base, as one peer manages them: invites it issues and answers (as an owner
// device), invites it redeems (joining as a writer), and the writer list. One blind-pairing service per
// peer, on its swarm, serves both sides.
import path from 'node:path';
import type BlindPairing from 'blind-pairing';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../engine/knowledge-base';
import type { WriterInfo, WriterRole } from '../engine/writers';
import type { Swarm } from '../net/swarm';
import { createPairing, InviteDesk, type IssuedInvite, type NewInvite } from '../writers/invite-desk';
import { parseInvite } from '../writers/invite-code';
import { redeemInvite, waitUntilWritable } from '../writers/join';
import { PeerError } from './peer-types';

export type { IssuedInvite, NewInvite, WriterInfo, WriterRole };

export class CoAuthoring {
  readonly desk: InviteDesk;
  private readonly pairing: BlindPairing;

  constructor(private readonly swarm: Swarm, dataDir: string) {
    this.pairing = createPairing(swarm);
    this.desk = new InviteDesk({ pairing: this.pairing, folder: path.join(dataDir, 'writers') });
  }

  async ready(): Promise<void> {
    await this.desk.ready();
  }

  /** Answer invites for a knowledge base this device owns (co-authors' devices cannot add writers). */
  async serve(kb: KnowledgeBase): Promise<void> {
    if ((await kb.roleOf(kb.localWriterKey)) === 'owner' && !this.desk.serves(kb)) await this.desk.serve(kb);
  }

  async unserve(kb: KnowledgeBase): Promise<void> {
    if (this.desk.serves(kb)) await this.desk.unserve(kb);
  }

  /** Stop a writer's future changes: only an owner's device may, and never the creator's. */
  async removeWriter(kb: KnowledgeBase, key: Buffer): Promise<void> {
    if ((await kb.roleOf(kb.localWriterKey)) !== 'owner') throw new PeerError('not-owner', 'Only the owner\'s devices can remove writers.');
    if (key.equals(kb.key)) throw new PeerError('not-owner', 'The device that created a knowledge base stays its owner and cannot be removed.');
    await kb.removeWriter(key);
  }

  /** Redeem an invite for a device whose writer key in its new namespace is `writerKey`; returns the knowledge base's key. */
  async redeem(code: string, writerKey: Buffer, timeoutMs: number): Promise<Buffer> {
    const { key } = await redeemInvite({ pairing: this.pairing, code: parseInvite(code), writerKey, timeoutMs });
    return key;
  }

  /**
   * Open a knowledge base this device was just added to, in the namespace its writer key came from, and
   * wait on the swarm until the owner's add has arrived; on failure nothing stays open.
   */
  async openJoined(store: Corestore, namespace: string, key: Buffer, timeoutMs: number): Promise<KnowledgeBase> {
    const kb = new KnowledgeBase({ store, namespace, key });
    await kb.ready();
    await this.swarm.join(kb);
    try {
      await waitUntilWritable(kb, timeoutMs);
    } catch (err) {
      await this.swarm.leave(kb.discoveryKey);
      await kb.close();
      throw err;
    }
    return kb;
  }

  /** Close before the swarm: the pairing service's sessions live on the swarm's connections. */
  async close(): Promise<void> {
    await this.desk.close();
    await this.pairing.close();
  }
}
