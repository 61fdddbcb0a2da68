// How readers skip replaying a knowledge base's ops: they fast-forward to the view its indexer signed.
// Both paths use internals of the pinned Autobase (7.28.1); if those disappear, readers fall back to
// replaying, which is correct, only slower.
import type Autobase from 'autobase';
import FastForward from 'autobase/lib/fast-forward.js';
import b4a from 'b4a';
import type Corestore from 'corestore';
import type Hyperbee from 'hyperbee';
import type Hypercore from 'hypercore';

interface InternalAutobase {
  _preferFastForward?: () => void;
  _runFastForward?: (ff: unknown) => Promise<void>;
}

const MANIFEST_WAIT_MS = 10_000;

/**
 * Fast-forward whenever the signed view is ahead at all. Autobase only does so when the system core is 16
 * entries ahead, and batched imports keep it short (10,000 notes are ~10 entries), so a reader would
 * download and apply the whole log. Measured at 10,000 notes: 6.4 s and 3.4 MB replaying, 1.7 s and 0.7 MB
 * fast-forwarding.
 */
export function preferFastForward(base: Autobase<unknown>): void {
  const internal = base as unknown as InternalAutobase;
  if (typeof internal._preferFastForward !== 'function') return;
  const prefer = () => {
    if (!base.closed && !base.writable) internal._preferFastForward!();
  };
  base.core.on('append', prefer);
  prefer();
}

/**
 * A fresh reader given the signed view's key (from the share link) jumps straight to it: Autobase pauses
 * applying while it fast-forwards, so the reader downloads a few tree nodes instead of the writers' first
 * batches of ops. The key is only a hint: the jump happens only if that core is signed by the key that
 * signs the knowledge base's creator log (its key is the knowledge base's key), so a tampered link cannot
 * put another view under this knowledge base's name. The view's head is fetched while the signer is
 * checked (the two are independent round trips) but nothing is applied before the check passes.
 */
async function jumpToSignedView(base: Autobase<unknown>, store: Corestore, systemKey: Buffer, signal: AbortSignal): Promise<void> {
  const internal = base as unknown as InternalAutobase;
  if (typeof internal._runFastForward !== 'function') return;
  const creator = store.get({ key: base.key });
  const system = store.get({ key: systemKey });
  const stopWaiting = closeOnAbort(signal, creator, system);
  const jump = new FastForward(base, systemKey, { verified: false, minimum: 1 });
  // FastForward memoizes its work: `_runFastForward` below awaits this same download instead of starting over.
  const fetching = jump.upgrade();
  try {
    if (!(await signedLikeCreator(system, creator))) return;
    if (base.closed || base.writable) return;
    await internal._runFastForward(jump);
  } catch {
    // A failed jump leaves the ordinary path: replay, then fast-forward when Autobase sees fit.
  } finally {
    stopWaiting();
    await jump.close().catch(() => undefined);
    await fetching.catch(() => undefined);
    await Promise.all([creator.close(), system.close()]).catch(() => undefined);
  }
}

/**
 * A fresh reader given the file tree's key (from the share link) can look notes up in the signed tree while
 * the fast-forward runs: the tree is the view's own core, so this reads what the view will hold, signed by
 * the same key. Resolves to that core once its creator's signer is checked and a peer has shown its
 * length, or to null (the hint is ignored) when the signer differs or no peer answers in time.
 */
async function openSignedTree(store: Corestore, creatorKey: Buffer, treeKey: Buffer, signal: AbortSignal): Promise<Hypercore | null> {
  const creator = store.get({ key: creatorKey });
  const tree = store.get({ key: treeKey });
  const stopWaiting = closeOnAbort(signal, creator, tree);
  try {
    const signed = await signedLikeCreator(tree, creator);
    // The manifest can be stored just before the upgrade that carried it lands.
    if (signed && tree.length === 0) await nextEvent(tree, 'append');
    if (signed && tree.length > 0 && !signal.aborted) return tree;
  } catch {
    // Closed while waiting, or a storage error: the ordinary path serves the reads.
  } finally {
    stopWaiting();
    await creator.close().catch(() => undefined);
  }
  await tree.close().catch(() => undefined);
  return null;
}

/**
 * What a share link tells a fresh reader beyond the knowledge base's key: the signed view to jump to, and
 * the view's file tree to look notes up in meanwhile (used only while the reader's own view is empty).
 * Both are checked before use; closing ends their waits for a peer.
 */
export class LinkHints {
  private readonly aborted = new AbortController();
  private tree: Hyperbee | null = null;
  private readonly opening: Promise<void>;

  constructor(opts: {
    base: Autobase<unknown>; store: Corestore; systemKey: Buffer | null; treeKey: Buffer | null;
    /** Wraps the tree's core the way the view is wrapped (same encodings). */
    open: (core: Hypercore) => Hyperbee;
    /** Called once lookups can use the tree. */
    onTreeReady: () => void;
  }) {
    const { signal } = this.aborted;
    if (opts.systemKey) void jumpToSignedView(opts.base, opts.store, opts.systemKey, signal);
    const treeKey = opts.treeKey;
    this.opening = treeKey ? openSignedTree(opts.store, b4a.toBuffer(opts.base.key), treeKey, signal).then(async (core) => {
      if (!core) return;
      if (signal.aborted) return core.close();
      this.tree = opts.open(core);
      opts.onTreeReady();
    }) : Promise.resolve();
  }

  /** Where a lookup reads: the signed tree while `view` is still empty (it is the same core), else `view`. */
  lookupIn(view: Hyperbee): Hyperbee {
    return this.tree && view.core.length === 0 ? this.tree : view;
  }

  async close(): Promise<void> {
    this.aborted.abort();
    await this.opening;
    await this.tree?.close();
  }
}

/** Whether `core` has a single signer, the one that signs the creator's log (each manifest fetched, bounded). */
async function signedLikeCreator(core: Hypercore, creator: Hypercore): Promise<boolean> {
  const [creatorManifest, manifest] = await Promise.all([manifestOf(creator), manifestOf(core)]);
  const signer = creatorManifest?.signers?.[0]?.publicKey;
  const signers = manifest?.signers ?? [];
  return !!signer && signers.length === 1 && Buffer.from(signers[0].publicKey).equals(Buffer.from(signer));
}

/** Closes `cores` when `signal` aborts (which ends any wait on them); returns a function that stops listening. */
function closeOnAbort(signal: AbortSignal, ...cores: Hypercore[]): () => void {
  const close = () => {
    for (const core of cores) void core.close().catch(() => undefined);
  };
  if (signal.aborted) close();
  signal.addEventListener('abort', close, { once: true });
  return () => signal.removeEventListener('abort', close);
}

/** A remote core's manifest, which arrives with its first upgrade from a peer; null if none came in time. */
async function manifestOf(core: Hypercore): Promise<Hypercore['manifest']> {
  await core.ready();
  // Replication requests the upgrade on its own; wait for it, bounded.
  if (!core.manifest) await nextEvent(core, 'manifest');
  return core.manifest;
}

/** Resolves on `event`, when the core closes, or after MANIFEST_WAIT_MS, whichever comes first. */
function nextEvent(core: Hypercore, event: 'manifest' | 'append'): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, MANIFEST_WAIT_MS);
    function done() {
      clearTimeout(timer);
      core.off(event, done);
      core.off('close', done);
      resolve();
    }
    core.on(event, done);
    core.on('close', done);
  });
}
