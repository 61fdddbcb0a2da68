// How a followed knowledge base opens: its replica (jumping to the signed view its link names), then a
// mount into its folder, with paid notes rendered through the paywall, or, with no folder, a seeding replica
// that stays complete so others can sync from this peer.
import path from 'node:path';
import type { EventEmitter } from 'node:events';
import type Corestore from 'corestore';
import z32 from 'z32';
import { KnowledgeBase } from '../engine/knowledge-base';
import { Mount, type MountProgress, type NoteRenderer } from '../mount/mount';
import type { Swarm } from '../net/swarm';
import type { Paywall } from '../paywall/paywall';
import { relayMountEvents, type PeerEvents } from './peer-events';
import type { PeerOptions } from './peer-types';
import type { SubscriptionRecord } from './registry';
import { keepReplicaComplete } from './seeding';

export interface FollowedKnowledgeBase {
  record: SubscriptionRecord;
  kb: KnowledgeBase;
  mount: Mount | null;
}

/** What opening a followed knowledge base needs of its peer. */
export interface FollowContext {
  store: Corestore;
  swarm: Swarm;
  paywall: Paywall;
  dataDir: string;
  opts: PeerOptions;
  /** Where the knowledge base's events are reported. */
  peer: EventEmitter<PeerEvents>;
}

/**
 * Open a subscription. `opened` runs once the knowledge base exists and before it syncs, so the peer can
 * find it (the paywall asks for it) while the first sync runs.
 */
export async function openFollowed(ctx: FollowContext, record: SubscriptionRecord, opened: (open: FollowedKnowledgeBase) => void): Promise<FollowedKnowledgeBase> {
  const { swarm, paywall, peer, opts } = ctx;
  const kb = new KnowledgeBase({ store: ctx.store, namespace: record.namespace, key: Buffer.from(z32.decode(record.id)), systemKey: hintedKey(record.view), treeKey: hintedKey(record.tree) });
  await kb.ready();
  kb.on('error', (err) => peer.emit('error', record.id, err.message));
  let mount: Mount | null = null;
  if (record.folder) {
    mount = new Mount({
      kb, root: record.folder, stateFile: mountStateFileOf(ctx.dataDir, record.id), mode: record.mode,
      render: paidNoteRenderer(paywall, kb, opts.renderFor ? opts.renderFor(record.id) : opts.render),
      fileSystem: opts.mountFileSystem?.(record.id, record.folder),
      limits: opts.mountLimits,
    });
    relayMountEvents(peer, record.id, mount);
  } else {
    keepReplicaComplete(kb);
    kb.keepWriterLogs();
  }
  const open: FollowedKnowledgeBase = { record, kb, mount };
  opened(open);
  paywall.addKnowledgeBase(kb);
  if (!record.paused) await swarm.join(kb);
  if (mount) {
    const summary = await mount.start();
    peer.emit('synced', record.id, summary);
    // Full subscribers also keep the writers' logs, so a writer that lost its device can recover from them;
    // only once the mount holds the view's files, whose first sync those ~one-block-per-op downloads
    // would otherwise slow down (a fresh mount's start returns before any data has arrived).
    if (record.mode === 'full') afterFirstContent(mount, () => kb.keepWriterLogs());
  }
  return open;
}

/** Runs `then` once the mount has synced a view with something in it: at once, or after a later sync. */
function afterFirstContent(mount: Mount, then: () => void): void {
  // An empty Hyperbee is at version 1.
  if (mount.appliedVersion > 1) return then();
  const check = (progress: MountProgress): void => {
    if (progress.phase !== 'done' || mount.appliedVersion <= 1) return;
    mount.off('progress', check);
    then();
  };
  mount.on('progress', check);
}

/** Rewrite a subscription's paid notes after a key arrived (the stub becomes the note). */
export async function rerenderPaidNotes(open: FollowedKnowledgeBase): Promise<void> {
  if (!open.mount) return;
  const sources: string[] = [];
  for await (const entry of open.kb.files()) if (entry.kind === 'paid-note') sources.push(entry.path);
  await open.mount.rerender(sources);
}

/** Where a subscription's mount keeps what it wrote. */
export function mountStateFileOf(dataDir: string, id: string): string {
  return path.join(dataDir, 'mounts', `${id}.json`);
}

/** Paid notes render as locked stubs (or, once unlocked, as the author's text) before any other renderer. */
function paidNoteRenderer(paywall: Paywall, kb: KnowledgeBase, next: NoteRenderer | undefined): NoteRenderer {
  return (entry, bytes) => {
    const rendered = entry.kind === 'paid-note' ? paywall.render(kb, entry, bytes) : bytes;
    return next ? next(entry, rendered) : rendered;
  };
}

/** A key a subscription's link gave as a hint, if it is a well-formed key. */
function hintedKey(text: string | undefined): Buffer | null {
  try {
    const key = text ? Buffer.from(z32.decode(text)) : null;
    return key?.byteLength === 32 ? key : null;
  } catch {
    return null;
  }
}
