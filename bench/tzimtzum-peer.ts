// One Tzimtzum peer for `npm run bench`, run as its own process (`node --import tsx`), so each figure
// includes a process start with the TypeScript loader, and the peer's memory is its own.
//
//   node --import tsx bench/tzimtzum-peer.ts testnet
//   … import    --vault DIR --store DIR
//   … author    --vault DIR --data DIR --bootstrap HOST:PORT[,…] --debounce MS [--no-watcher]
//   … subscribe --link LINK --data DIR --bootstrap … --out DIR --files N --blob-key HEX --blob-length N [--watch]
//   … lazy      --link LINK --data DIR --bootstrap … --read JSON-array-of-paths
//
// Events go to stdout as one JSON object a line: { event, t, … }, t in ms since process start.
// Long-lived roles (testnet, author, subscribe --watch) take JSON commands on stdin and shut down when
// it ends. Every role ends with { event: 'exit', maxRssBytes }.
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import Corestore from 'corestore';
import type Hypercore from 'hypercore';
import createTestnet from 'hyperdht/testnet.js';
import z32 from 'z32';
import { Identity } from '../src/engine/identity';
import { identityFileOf, saveIdentity } from '../src/engine/identity-file';
import { KnowledgeBase } from '../src/engine/knowledge-base';
import { storeStorage } from '../src/engine/store-storage';
import { FolderMirror } from '../src/mirror/folder-mirror';
import { NodeFolder } from '../src/mirror/node-folder';
import { parseBootstrap } from '../src/net/dht-settings';
import { parseShareLink } from '../src/net/share-link';
import { Peer } from '../src/peer/peer';

const { positionals, values: opts } = parseArgs({
  allowPositionals: true,
  options: {
    vault: { type: 'string' }, store: { type: 'string' }, data: { type: 'string' }, bootstrap: { type: 'string' },
    debounce: { type: 'string' }, 'no-watcher': { type: 'boolean' }, link: { type: 'string' }, out: { type: 'string' }, files: { type: 'string' },
    'blob-key': { type: 'string' }, 'blob-length': { type: 'string' }, watch: { type: 'boolean' }, read: { type: 'string' },
  },
});

/** How often a bounded wait checks its condition. */
const POLL_MS = 20;
const MAX_WAIT_MS = 15 * 60_000;

function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, t: Math.round(performance.now()), ...fields })}\n`);
  trace(event, fields);
}

/** With BENCH_TRACE=FILE, a timeline of what each peer did, for finding where the time goes. */
function trace(event: string, fields: Record<string, unknown> = {}): void {
  const file = process.env.BENCH_TRACE;
  if (file) appendFileSync(file, `${JSON.stringify({ role: positionals[0], event, t: Math.round(performance.now()), ...fields })}\n`);
}

function required(name: keyof typeof opts): string {
  const value = opts[name];
  if (typeof value !== 'string') throw new Error(`tzimtzum-peer: --${name} is required`);
  return value;
}

// A stuck peer must never hang the benchmark: the parent also kills on its own deadline.
setTimeout(() => {
  process.stderr.write('tzimtzum-peer: gave up after 15 minutes\n');
  process.exit(2);
}, MAX_WAIT_MS).unref();

/** Resolves when stdin ends; runs `onCommand` for each JSON line before that, one at a time. */
async function commands(onCommand: (cmd: Record<string, unknown>) => Promise<void> | void = () => undefined): Promise<void> {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim()) await onCommand(JSON.parse(line) as Record<string, unknown>);
  }
}

/** A data folder with a fresh identity, as `tzimtzum init` would leave it, then the peer on it. */
async function openPeer(debounceMs?: number): Promise<Peer> {
  const dataDir = required('data');
  await saveIdentity(identityFileOf(dataDir), { mnemonic: Identity.create().walletMnemonic(), deviceIndex: 0 });
  // --no-watcher: saves reach the mirror only as commands hand them over, as the plugin's vault events do.
  const folderAccess = opts['no-watcher'] ? (folder: string) => ({ reader: new NodeFolder(folder), events: { subscribe: () => () => undefined } }) : undefined;
  return Peer.open({ dataDir, bootstrap: parseBootstrap(required('bootstrap')), debounceMs, command: 'bench', folderAccess });
}

/** Bytes the peer's replication connections received (UDX stream bytes: framing, proofs, requests included). */
function wireCounter(peer: Peer): () => number {
  const connections: { rawStream?: { bytesReceived?: number } | null }[] = [];
  peer.swarm.swarm.on('connection', (conn) => connections.push(conn as unknown as (typeof connections)[number]));
  return () => connections.reduce((sum, conn) => sum + (conn.rawStream?.bytesReceived ?? 0), 0);
}

async function testnet(): Promise<void> {
  const net = await createTestnet(3, { host: '127.0.0.1' });
  emit('testnet', { bootstrap: net.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') });
  await commands();
  await net.destroy();
}

/** Folder → knowledge base on a fresh Corestore: the scan the mirror runs when a folder is first shared. */
async function importVault(): Promise<void> {
  const store = new Corestore(storeStorage(required('store')));
  const kb = new KnowledgeBase({ store, namespace: 'bench' });
  await kb.ready();
  const mirror = new FolderMirror({ kb, folder: new NodeFolder(required('vault')) });
  const summary = await mirror.reconcile();
  emit('imported', { files: summary.put, errors: summary.errors.length, version: kb.version });
  await mirror.close();
  await kb.close();
  await store.close();
}

async function author(): Promise<void> {
  const debounceMs = Number(required('debounce'));
  const peer = await openPeer(debounceMs);
  const vault = required('vault');
  const started = performance.now();
  const shared = await peer.share(vault, { title: 'Bench' });
  const kb = peer.knowledgeBase(shared.id)!;
  const blobs = await kb.blobs.localCore();
  emit('serving', {
    link: shared.link, importMs: performance.now() - started,
    blobKey: blobs.key!.toString('hex'), blobLength: blobs.length, version: kb.version,
  });
  const mirror = peer.mirrorOf(shared.id)!;
  await commands(async (cmd) => {
    if (cmd.cmd !== 'edit') return;
    const path = String(cmd.path);
    const t0 = performance.now();
    await writeFile(join(vault, path), String(cmd.text));
    // "direct": the save is handed to the mirror at once, as an editor integration would; otherwise
    // the file watcher reports it and the mirror's debounce decides when it is published.
    if (cmd.direct) {
      mirror.enqueue({ type: 'changed', path });
      await mirror.flush();
    }
    emit('edited', { path, ms: performance.now() - t0 });
  });
  await peer.close();
}

async function subscribe(): Promise<void> {
  const expectedFiles = Number(required('files'));
  const blobLength = Number(required('blob-length'));
  const peer = await openPeer();
  const wireBytes = wireCounter(peer);
  const id = z32.encode(parseShareLink(required('link')).key);
  // An observer session on the author's blob core: it only reads lengths, the mount does the fetching.
  const blobCore: Hypercore = peer.store.get({ key: Buffer.from(required('blob-key'), 'hex') });
  await blobCore.ready();

  // "All data local": the view lists every file, and the author's blob core (every block of every
  // file) is complete in this store. The view is counted when the mount starts downloading (it has
  // just listed it); the blob core is checked on each block it receives.
  let dataLocal = false;
  let filesWritten = false;
  let viewComplete = false;
  let counting = false;
  const markLocal = (): void => {
    if (dataLocal || !viewComplete || blobCore.contiguousLength < blobLength) return;
    dataLocal = true;
    emit('all-data-local', { wireBytes: wireBytes() });
  };
  blobCore.on('download', markLocal);
  async function countView(): Promise<void> {
    const kb = peer.knowledgeBase(id);
    if (viewComplete || counting || !kb) return;
    counting = true;
    try {
      let files = 0;
      for await (const entry of kb.files()) if (entry.blob) files++;
      viewComplete = files >= expectedFiles;
      markLocal();
    } finally {
      counting = false;
    }
  }

  let lastPhase = '';
  peer.on('mount-progress', (_id, p) => {
    if (p.phase === 'downloading' || p.phase === 'done') void countView();
    if (p.phase === lastPhase) return;
    lastPhase = p.phase;
    trace('mount-progress', { ...p, blobContiguous: blobCore.contiguousLength, wireBytes: wireBytes() });
  });
  peer.swarm.on('connection', () => trace('connection'));
  let updates = 0;
  const onUpdate = (): void => {
    const kb = peer.knowledgeBase(id);
    if (kb && updates++ % 20 === 0) trace('kb-update', { version: kb.version, n: updates, blobContiguous: blobCore.contiguousLength });
  };
  const hook = setInterval(() => {
    const kb = peer.knowledgeBase(id);
    if (!kb) return;
    kb.on('update', onUpdate);
    clearInterval(hook);
  }, 5);
  hook.unref();
  // With BENCH_TRACE: how far the view and the blob core are, twice a second.
  const progress = process.env.BENCH_TRACE ? setInterval(() => {
    const view = peer.knowledgeBase(id)?.view.core;
    trace('cores', { view: view ? `${view.contiguousLength}/${view.length}` : null, blobs: `${blobCore.contiguousLength}/${blobLength}`, wireBytes: wireBytes() });
  }, 500) : undefined;
  progress?.unref();
  peer.on('synced', (kbId, summary) => {
    trace('synced', { written: summary.written, unchanged: summary.unchanged });
    if (kbId !== id) return;
    const mount = peer.mountOf(id);
    if (!mount) return;
    if (filesWritten) {
      emit('synced', { version: mount.appliedVersion });
      return;
    }
    const files = Object.values(mount.files);
    if (files.length >= expectedFiles && files.every((file) => !file.stub) && mount.appliedVersion === mount.kb.version) {
      filesWritten = true;
      emit('all-files-written', { files: files.length, wireBytes: wireBytes() });
    }
  });
  peer.on('error', (_id, message) => process.stderr.write(`tzimtzum-peer subscriber: ${message}\n`));
  await peer.subscribe(required('link'), required('out'), { mode: 'full' });
  await boundedWait(() => {
    // A blob core that completed before the view count did is caught here.
    if (!dataLocal && blobCore.contiguousLength >= blobLength) void countView();
    return dataLocal && filesWritten;
  }, 'the first full sync');
  // Outside the timing: confirm every file's bytes are really in the store.
  const kb = peer.knowledgeBase(id)!;
  let missing = 0;
  for await (const entry of kb.files()) if (entry.blob && !(await kb.blobs.has(entry.blob))) missing++;
  emit('verified', { missing });
  clearInterval(progress);
  if (opts.watch) await commands();
  await blobCore.close();
  await peer.close();
}

/** A fresh reader fetches a few notes by path, nothing else: what opening a lazy stub costs. */
async function lazyRead(): Promise<void> {
  const peer = await openPeer();
  const wireBytes = wireCounter(peer);
  const link = parseShareLink(required('link'));
  const key = link.key;
  const id = z32.encode(key);
  // As a subscription does: the link's view key lets the reader jump to the signed view, and its tree key
  // lets it look the note up meanwhile.
  const kb = new KnowledgeBase({
    store: peer.store, namespace: `subscription/${id}`, key: Buffer.from(key),
    systemKey: link.view ? Buffer.from(link.view) : null, treeKey: link.tree ? Buffer.from(link.tree) : null,
  });
  await kb.ready();
  let connectedAt = 0;
  peer.swarm.once('connection', () => { connectedAt = performance.now(); });
  await peer.swarm.join(kb);
  const paths = JSON.parse(required('read')) as string[];
  for (const [i, path] of paths.entries()) {
    const t0 = performance.now();
    // Until the reader has caught up (or fast-forwarded), the note is simply not listed yet. Wait for it
    // the way a user would, on view updates (bounded).
    // Sparse: the view's tree nodes on the path are fetched on demand (bounded), as a lazy mount does.
    const lookup = () => kb.stat(path, { timeout: 5_000 }).catch(() => null);
    let entry = await lookup();
    const deadline = Date.now() + 60_000;
    while (!entry) {
      if (Date.now() > deadline) throw new Error(`tzimtzum-peer: "${path}" did not appear in the view within 60 s`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 20);
        kb.once('update', () => { clearTimeout(timer); resolve(undefined); });
      });
      entry = await lookup();
    }
    const listedAt = performance.now();
    const bytes = await kb.read(entry, { timeout: 30_000 });
    const now = performance.now();
    emit(i === 0 ? 'first-note' : 'note', {
      path, bytes: bytes.byteLength, ms: now - t0, readMs: now - listedAt, sinceConnectedMs: connectedAt ? now - connectedAt : null,
      version: kb.version, wireBytes: wireBytes(),
    });
  }
  await kb.close();
  await peer.close();
}

/** Polls `check` until it holds; bounded by `timeoutMs`. */
async function boundedWait(check: () => boolean | Promise<boolean>, what: string, timeoutMs = MAX_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`tzimtzum-peer: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const roles: Record<string, () => Promise<void>> = { testnet, import: importVault, author, subscribe, lazy: lazyRead };
const role = roles[positionals[0] ?? ''];
if (!role) {
  process.stderr.write(`tzimtzum-peer: unknown role ${positionals[0]}; expected ${Object.keys(roles).join(', ')}\n`);
  process.exit(64);
}
try {
  await role();
  emit('exit', { maxRssBytes: process.resourceUsage().maxRSS * 1024 });
  // Watchers and sockets a module forgot to unref must not keep a finished peer alive.
  process.exit(0);
} catch (err) {
  process.stderr.write(`tzimtzum-peer ${positionals[0]}: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
