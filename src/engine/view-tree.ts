// The view's B-tree (Hyperbee) and how single lookups reach it over the network.
//
// A lookup in a sparse tree walks ~6 levels, each waiting for the last. With Hyperbee's lookup extension
// the reader asks its peers which blocks the lookup needs; a peer that holds the tree walks it locally and
// answers with their numbers, so the reader requests them all at once and then walks local blocks. The
// extension's messages come from any peer, so only what a lookup needs is taken from them: answers while a
// lookup of ours waits, naming at most a path's worth of blocks below the version it asked about. Range
// walks are neither asked for nor served (up to 2,176 blocks a message): a full mount downloads the whole
// view, and a lazy one walks it with Hyperbee's preloading.
import HyperbeeExtension from 'hyperbee/lib/extension.js';
import Hyperbee, { type Entry, type ReadOptions } from 'hyperbee';
import type Hypercore from 'hypercore';
import { honourPreloadOption } from './hyperbee-preload';

/** How long after asking a peer's answer is still taken. */
const ANSWER_WINDOW_MS = 10_000;
/** Blocks a peer may name for one lookup: a 6-level path names ~20; Hyperbee sends at most 128 a message. */
const MAX_NAMED_BLOCKS = 128;

/** A peer's answer: the blocks a lookup needs. */
type NamedBlocks = Parameters<HyperbeeExtension['oncache']>[0];

/** The last lookup asked of peers on a core, whichever of its trees asked. */
interface Asked {
  until: number;
  version: number;
}

/**
 * Per core, not per tree: a fresh reader has two trees on its view's core (the view and the link's signed
 * tree), and a peer's answer reaches whichever registered the extension last, not necessarily the asker.
 */
const askedByCore = new WeakMap<object, Asked>();

/** Hyperbee's lookup extension, taking from peers only the answers to lookups asked on this core. */
export class LookupExtension extends HyperbeeExtension {
  override get(version: number, key: Buffer): void {
    askedByCore.set(this.sharedCore, { until: Date.now() + ANSWER_WINDOW_MS, version });
    super.get(version, key);
  }

  override iterator(_snapshot: unknown): void {
    // Range walks are not asked of peers (see the header).
  }

  override oniterator(_message: unknown, _from: unknown): void {
    // Nor served.
  }

  override oncache(message: NamedBlocks, from: unknown): void {
    const asked = askedByCore.get(this.sharedCore);
    if (!asked || Date.now() > asked.until) return;
    if (message.blocks.length > MAX_NAMED_BLOCKS || message.blocks.some((seq) => seq >= asked.version)) return;
    super.oncache(message, from);
  }

  /** What every session of the tree's core shares (Hypercore's core behind the session). */
  private get sharedCore(): object {
    const session = this.db.core as Hypercore & { core?: object | null };
    return session.core ?? session;
  }
}

/** The view's tree over `core`: paths as UTF-8 keys, records as bytes. */
export function openViewTree(core: Hypercore): Hyperbee {
  const tree = new Hyperbee(core, { keyEncoding: 'utf-8', valueEncoding: 'binary', extension: false });
  tree.extension = LookupExtension.register(tree);
  return tree;
}

/**
 * One key. When the tree is sparse, a lookup that may wait fetches only the blocks on its path; one that
 * may not (`wait: false`) reads what is local and, as Hyperbee does, starts fetching the keys and children
 * of the nodes it reached, so that a later try gets further.
 */
export async function lookup(tree: Hyperbee, key: string, opts: ReadOptions = {}): Promise<Entry<Buffer> | null> {
  if (opts.wait === false) return tree.get(key, opts);
  await honourPreloadOption(tree);
  return tree.get(key, { ...opts, preload: false });
}
