// What a subscriber is shown before following a knowledge base: its title, description and size, read
// from the network just long enough, and bounded in time.
import { once } from 'node:events';
import z32 from 'z32';
import { KnowledgeBase, type FileEntry } from '../engine/knowledge-base';
import { parseShareLink } from '../net/share-link';
import type { Peer } from './peer';
import { PeerApiError } from './peer-api-error';
import { shownDescription, shownTitle } from './shown-text';

/** What a subscriber is shown before following a knowledge base. */
export interface KnowledgeBasePreview {
  id: string;
  title: string;
  description: string;
  author: string;
  files: number;
  bytes: number;
  /** False when counting stopped at the time or file limit (the numbers are then lower bounds). */
  complete: boolean;
}

/** Open a knowledge base by its link just long enough to read its title and size. */
export async function previewKnowledgeBase(peer: Peer, link: string, opts: { timeoutMs?: number; maxFiles?: number } = {}): Promise<KnowledgeBasePreview> {
  const key = Buffer.from(parseShareLink(link).key);
  const id = z32.encode(key);
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  const open = peer.knowledgeBase(id);
  if (open) return summarize(id, open, deadline, opts.maxFiles);
  // The namespace a subscription will use, so what the preview downloads is not fetched twice.
  const kb = new KnowledgeBase({ store: peer.store, namespace: `subscription/${id}`, key });
  kb.on('error', () => undefined);
  try {
    await kb.ready();
    await peer.swarm.join(kb, { announce: false });
    return await summarize(id, kb, deadline, opts.maxFiles);
  } finally {
    await peer.swarm.leave(kb.discoveryKey).catch(() => undefined);
    await kb.close().catch(() => undefined);
  }
}

/** Title and size of a knowledge base, waiting (until the deadline) for its first update to arrive. */
async function summarize(id: string, kb: KnowledgeBase, deadline: number, maxFiles = 100_000): Promise<KnowledgeBasePreview> {
  let meta = await kb.meta({ wait: false }).catch(() => null);
  while (!meta && Date.now() < deadline) {
    const wait = Math.min(500, Math.max(1, deadline - Date.now()));
    await nextUpdate(kb, wait);
    meta = await kb.meta({ timeout: wait }).catch(() => null);
  }
  if (!meta) {
    throw new PeerApiError('no-peer', 'Nobody sharing this knowledge base could be reached. Check the link, or try again when its author is online.');
  }
  let files = 0;
  let bytes = 0;
  let complete = false;
  let after: string | undefined;
  while (Date.now() < deadline && files < maxFiles) {
    const page: { entries: FileEntry[]; next: string | null } | null = await kb.list({ limit: 1000, after }).catch(() => null);
    if (!page) break;
    for (const entry of page.entries) {
      files++;
      bytes += entry.size;
    }
    if (page.next === null) {
      complete = true;
      break;
    }
    after = page.next;
  }
  return {
    id, title: shownTitle(meta.title), description: shownDescription(meta.description), author: shownTitle(meta.author), files, bytes, complete,
  };
}

/** Resolves on the knowledge base's next update or after `ms`, leaving no listener or timer behind. */
async function nextUpdate(kb: KnowledgeBase, ms: number): Promise<void> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), ms);
  try {
    await once(kb, 'update', { signal: abort.signal });
  } catch {
    // Timed out: the caller looks again anyway.
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
