// The view's B-tree (Hyperbee) and how single lookups reach it over the network.
//
// A lookup in a sparse tree walks ~6 levels, each waiting for the last. With Hyperbee's lookup extension
// the reader asks its peers which blocks the lookup needs; a peer that holds the tree walks it locally and
// answers with their numbers, so the reader requests them all at once and then walks local blocks. The
// extension's messages come from any peer, so only what a lookup needs is taken from them: answers while a
// lookup of ours waits, for at most a path's worth of blocks the core has. Range walks are not offered
// (asking, or serving up to 2,176 blocks a message); a mount downloads the whole view instead.
import HyperbeeExtension from 'hyperbee/lib/extension.js';
import Hyperbee, { type Entry, type ReadOptions } from 'hyperbee';
import type Hypercore from 'hypercore';
import { honourPreloadOption } from './hyperbee-preload';

/** How long after asking a peer's answer is still taken. */
const ANSWER_WINDOW_MS = 10_000;
/** Blocks a peer may name for one lookup: a 6-level path names ~20; Hyperbee sends at most 128 a message. */
const MAX_NAMED_BLOCKS = 128;

interface NamedBlocks {
  blocks: number[];
  start: number;
  end: number;
}

/** Hyperbee's lookup extension, taking from peers only the answers to lookups this tree asked for. */
export class LookupExtension extends HyperbeeExtension {
  private askedUntil = 0;
  private askedVersion = 0;

  override get(version: number, key: Buffer): void {
    this.askedUntil = Date.now() + ANSWER_WINDOW_MS;
    this.askedVersion = version;
    super.get(version, key);
  }

  override iterator(_snapshot: unknown): void {
    // Range walks are not asked of peers (see the header).
  }

  override oniterator(_message: unknown, _from: unknown): void {
    // Nor served.
  }

  override oncache(message: NamedBlocks, from: unknown): void {
    if (Date.now() > this.askedUntil) return;
    const version = this.askedVersion;
    if (message.blocks.length > MAX_NAMED_BLOCKS || message.blocks.some((seq) => seq >= version)) return;
    super.oncache(message, from);
  }
}

/**
 * The view's tree over `core`: paths as UTF-8 keys, records as bytes. A fresh reader's signed tree is its
 * view's own core; the tree opened last takes the core's extension messages, and either can answer them.
 */
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
