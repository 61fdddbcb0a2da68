// Tzimtzum's side of `npm run bench`: the same four scenarios as the Hyperdrive baseline, each peer in
// its own `node --import tsx bench/tzimtzum-peer.ts` process, timed from its spawn (so every figure
// includes one process start and the TypeScript loader), on a loopback DHT testnet.
import { cp, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskUsage, folderSize, percentile, type BenchResult } from './measure.js';
import { BenchError, PeerProcess, STEP_TIMEOUT_MS, type PeerEvent } from './peer-process.js';

const WORKER = fileURLToPath(new URL('./tzimtzum-peer.ts', import.meta.url));
const LONG_TIMEOUT_MS = 15 * 60_000;

/** Extra Node flags for every Tzimtzum child, e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const EXTRA_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

function startPeer(role: string, args: string[]): PeerProcess {
  return new PeerProcess(`Tzimtzum ${role}`, [...EXTRA_NODE_ARGS, '--import', 'tsx', WORKER, role, ...args]);
}

/** Imports `vaultDir` into a fresh Corestore at `storeDir` (a KnowledgeBase fed by a FolderMirror scan), in a child. */
export async function runTzimtzumImport({ vaultDir, storeDir }: { vaultDir: string; storeDir: string }): Promise<BenchResult> {
  const vault = await folderSize(vaultDir);
  const peer = startPeer('import', ['--vault', vaultDir, '--store', storeDir]);
  try {
    const imported = await peer.next('imported', LONG_TIMEOUT_MS);
    const exit = await peer.next('exit');
    await peer.exited(10_000);
    if (imported.files !== vault.files) throw new BenchError(`Tzimtzum imported ${String(imported.files)} of ${vault.files} files.`);
    return {
      name: 'tzimtzum import',
      files: vault.files,
      vaultBytes: vault.bytes,
      seconds: (exit.at - peer.spawnedAt) / 1000,
      peakRssBytes: exit.maxRssBytes as number,
      diskBytes: await diskUsage(storeDir),
    };
  } finally {
    peer.kill();
  }
}

/**
 * A fresh subscriber (`peer.subscribe(link, folder, { mode: 'full' })`) syncs from the author. Two
 * results, both timed from the subscriber's spawn: "all data local" (its view lists every file and the
 * author's blob core is complete locally) and "all files written" (the mount reports a sync after
 * which it holds every file, none a stub, at the view's current version).
 */
export async function runTzimtzumInitialSync({ vaultDir }: { vaultDir: string }): Promise<BenchResult[]> {
  return withAuthor({ vaultDir, debounceMs: 100 }, async ({ root, serving, bootstrap, vault, start }) => {
    const data = join(root, 'subscriber-data');
    const out = join(root, 'subscriber-vault');
    const sub = start('subscribe', subscribeArgs({ serving, bootstrap, data, out, files: vault.files }));
    const local = await sub.next('all-data-local', LONG_TIMEOUT_MS);
    const written = await sub.next('all-files-written', LONG_TIMEOUT_MS);
    const verified = await sub.next('verified', LONG_TIMEOUT_MS);
    const exit = await sub.next('exit');
    if (verified.missing !== 0) throw new BenchError(`The subscriber is missing the bytes of ${String(verified.missing)} files after its sync.`);
    const onDisk = await folderSize(out);
    if (onDisk.files !== vault.files || onDisk.bytes !== vault.bytes) {
      throw new BenchError(`The subscriber's folder has ${onDisk.files} files / ${onDisk.bytes} B, the vault ${vault.files} / ${vault.bytes} B.`);
    }
    const storeBytes = await diskUsage(join(data, 'store'));
    const common = { files: vault.files, vaultBytes: vault.bytes, peakRssBytes: exit.maxRssBytes as number };
    const results: BenchResult[] = [
      {
        name: 'tzimtzum sync: all data local',
        ...common,
        seconds: (local.at - sub.spawnedAt) / 1000,
        diskBytes: storeBytes,
        details: { wireBytes: local.wireBytes as number },
      },
      {
        name: 'tzimtzum sync: all files written',
        ...common,
        seconds: (written.at - sub.spawnedAt) / 1000,
        diskBytes: storeBytes + (await diskUsage(out)),
        details: { wireBytes: written.wireBytes as number, authorImportSeconds: (serving.importMs as number) / 1000 },
      },
    ];
    return results;
  });
}

/**
 * A fresh reader opens the knowledge base by its link and reads one note (`kb.read`, what opening a
 * lazy stub does), then `reads - 1` more spread over the vault; nothing else is downloaded.
 */
export async function runTzimtzumLazyRead({ vaultDir, reads = 20 }: { vaultDir: string; reads?: number }): Promise<BenchResult> {
  return withAuthor({ vaultDir, debounceMs: 100 }, async ({ root, serving, bootstrap, start }) => {
    const notes = await notePaths(vaultDir);
    const picked = Array.from({ length: Math.min(reads, notes.length) }, (_, i) => notes[Math.floor((i * notes.length) / reads)]);
    const data = join(root, 'reader-data');
    const sub = start('lazy', ['--link', serving.link as string, '--data', data, '--bootstrap', bootstrap, '--read', JSON.stringify(picked)]);
    const first = await sub.next('first-note');
    const further: PeerEvent[] = [];
    for (let i = 1; i < picked.length; i++) further.push(await sub.next('note'));
    const exit = await sub.next('exit');
    const last = further.at(-1) ?? first;
    const ms = further.map((e) => e.ms as number);
    // Per-note wire bytes: the mean is what the goal is held to; the median shows the cost once the
    // reader's view has caught up (one note's catch-up can dominate the mean).
    const perNote = further.map((e, i) => (e.wireBytes as number) - ((i === 0 ? first : further[i - 1]).wireBytes as number));
    return {
      name: 'tzimtzum lazy read: first note',
      files: 1,
      vaultBytes: first.bytes as number,
      seconds: (first.at - sub.spawnedAt) / 1000,
      peakRssBytes: exit.maxRssBytes as number,
      diskBytes: null,
      details: {
        storeDiskBytes: await diskUsage(join(data, 'store')),
        firstNoteWireBytes: first.wireBytes as number,
        firstNoteSinceConnectedMs: first.sinceConnectedMs as number,
        firstNoteReadMs: first.readMs as number,
        firstNoteViewVersion: first.version as number,
        furtherNotes: further.length,
        furtherNoteP50Ms: percentile(ms, 50),
        furtherNoteP95Ms: percentile(ms, 95),
        furtherWireBytesPerNote: further.length ? Math.round(((last.wireBytes as number) - (first.wireBytes as number)) / further.length) : 0,
        furtherWireBytesP50: percentile(perNote, 50),
        readerCaughtUpVersion: last.version as number,
      },
    };
  });
}

/** How an edit reaches the author's mirror: through the file watcher (with a debounce), or handed over directly. */
export type EditFeed = { kind: 'watcher'; debounceMs: number } | { kind: 'direct' };

/**
 * The author saves `edits` notes one after another into its shared folder; a subscriber already in
 * sync writes each to its mount. Latency = command sent → subscriber's mount reports the sync that
 * wrote it (checked against the file's bytes on disk). Three child processes.
 */
export async function runTzimtzumEditLatency({ vaultDir, feed, edits = 50 }: { vaultDir: string; feed: EditFeed; edits?: number }): Promise<BenchResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'tzimtzum-bench-edit-'));
  try {
    const copy = join(scratch, 'vault');
    await cp(vaultDir, copy, { recursive: true });
    const debounceMs = feed.kind === 'watcher' ? feed.debounceMs : 0;
    // Direct: no file watcher on the author, as in the plugin, where vault events are the only feed.
    return await withAuthor({ vaultDir: copy, debounceMs, watcher: feed.kind === 'watcher' }, async ({ root, serving, bootstrap, vault, author, start }) => {
      const out = join(root, 'subscriber-vault');
      const sub = start('subscribe', [...subscribeArgs({ serving, bootstrap, data: join(root, 'subscriber-data'), out, files: vault.files }), '--watch']);
      await sub.next('verified', LONG_TIMEOUT_MS);
      const notes = await notePaths(copy);
      const latencies: number[] = [];
      const authorMs: number[] = [];
      let editedBytes = 0;
      for (let i = 0; i < edits; i++) {
        const path = notes[Math.floor((i * notes.length) / edits) % notes.length];
        const text = `${await readFile(join(copy, path), 'utf8')}\n\nEdited in benchmark round ${i}.\n`;
        editedBytes += Buffer.byteLength(text, 'utf8');
        const sentAt = performance.now();
        author.send({ cmd: 'edit', path, text, direct: feed.kind === 'direct' });
        const edited = await author.next('edited');
        authorMs.push(edited.ms as number);
        // Bounded: each sync event is checked once, and the wait for the next one times out.
        for (let attempt = 0; ; attempt++) {
          const synced = await sub.next('synced', STEP_TIMEOUT_MS, (e) => e.at >= sentAt);
          if ((await readFile(join(out, path), 'utf8').catch(() => '')) === text) {
            latencies.push(synced.at - sentAt);
            break;
          }
          if (attempt > 20) throw new BenchError(`The subscriber never wrote edit ${i} of ${path}.`);
        }
      }
      const exit = await sub.finish();
      const name = feed.kind === 'watcher' ? `tzimtzum edit → subscriber disk (watcher, debounce ${feed.debounceMs} ms)` : 'tzimtzum edit → subscriber disk (mirror fed directly, no debounce)';
      return {
        name,
        files: edits,
        vaultBytes: editedBytes,
        seconds: latencies.reduce((a, b) => a + b, 0) / 1000,
        peakRssBytes: exit.maxRssBytes as number,
        diskBytes: null,
        details: {
          p50Ms: percentile(latencies, 50),
          p95Ms: percentile(latencies, 95),
          maxMs: Math.max(...latencies),
          authorStepP50Ms: percentile(authorMs, 50),
        },
      };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface AuthorSession {
  root: string;
  bootstrap: string;
  serving: PeerEvent;
  author: PeerProcess;
  vault: { files: number; bytes: number };
  start: (role: string, args: string[]) => PeerProcess;
}

function subscribeArgs(o: { serving: PeerEvent; bootstrap: string; data: string; out: string; files: number }): string[] {
  return [
    '--link', o.serving.link as string, '--data', o.data, '--bootstrap', o.bootstrap, '--out', o.out,
    '--files', String(o.files), '--blob-key', o.serving.blobKey as string, '--blob-length', String(o.serving.blobLength),
  ];
}

/** Starts a testnet and an author sharing `vaultDir`; runs `body`; then stops every peer and removes every temp dir. */
async function withAuthor<T>({ vaultDir, debounceMs, watcher = true }: { vaultDir: string; debounceMs: number; watcher?: boolean }, body: (session: AuthorSession) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'tzimtzum-bench-tz-'));
  const started: PeerProcess[] = [];
  const start = (role: string, args: string[]): PeerProcess => {
    const peer = startPeer(role, args);
    started.push(peer);
    return peer;
  };
  try {
    const vault = await folderSize(vaultDir);
    const testnet = start('testnet', []);
    const { bootstrap } = (await testnet.next('testnet')) as PeerEvent & { bootstrap: string };
    const authorData = join(root, 'author-data');
    await mkdir(authorData);
    const author = start('author', ['--vault', vaultDir, '--data', authorData, '--bootstrap', bootstrap, '--debounce', String(debounceMs), ...(watcher ? [] : ['--no-watcher'])]);
    const serving = await author.next('serving', LONG_TIMEOUT_MS);
    for (const dir of ['subscriber-data', 'reader-data']) await mkdir(join(root, dir));
    return await body({ root, bootstrap, serving, author, vault, start });
  } finally {
    // Subscribers first, then the author, the testnet last: each closes its swarm when stdin ends.
    for (const peer of started.slice().reverse()) await peer.finish(10_000).catch(() => undefined);
    for (const peer of started) peer.kill();
    await rm(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** The vault's notes as knowledge-base paths ('/'-separated, no leading slash), sorted. */
async function notePaths(vaultDir: string): Promise<string[]> {
  const entries = await readdir(vaultDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => relative(vaultDir, join(e.parentPath, e.name)).split(sep).join('/').normalize('NFC'))
    .sort();
}
