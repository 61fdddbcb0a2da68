// The Holepunch baseline Tzimtzum is compared to: a vault folder mirrored into a Hyperdrive with
// mirror-drive, and replicated to a subscriber over Hyperswarm on a loopback DHT testnet.
// Every peer runs in its own child process (bench/hyperdrive-peer.mjs), timed from its spawn, so
// each figure includes one process start, as a user's would; each child reports its own peak RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { diskUsage, folderSize, percentile, type BenchResult } from './measure.js';

const PEER_SCRIPT = fileURLToPath(new URL('./hyperdrive-peer.mjs', import.meta.url));
const IMPORT_TIMEOUT_MS = 15 * 60_000;
const STEP_TIMEOUT_MS = 60_000;

/** A baseline run that could not finish; the message says which peer failed and how. */
export class BaselineError extends Error {
  readonly code = 'BASELINE_FAILED';
  constructor(message: string) {
    super(`${message} Re-run with the same vault; if it persists, run bench/hyperdrive-peer.mjs by hand to see the peer's output.`);
    this.name = 'BaselineError';
  }
}

interface PeerEvent {
  event: string;
  t: number;
  /** When the parent read the line, in its own `performance.now()` ms. */
  at: number;
  [field: string]: unknown;
}

/** One hyperdrive-peer child: its JSON events, awaited by name, and its stdin for commands. */
class PeerProcess {
  readonly spawnedAt = performance.now();
  private readonly child: ChildProcess;
  private readonly events: PeerEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private stderrTail = '';
  private failure: BaselineError | null = null;
  private closed = false;

  constructor(readonly role: string, args: string[]) {
    this.child = spawn(process.execPath, [PEER_SCRIPT, role, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.events.push({ ...(JSON.parse(line) as { event: string; t: number }), at: performance.now() });
      } catch {
        return; // not one of ours (a module's stray console.log)
      }
      this.wake();
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
    });
    // A peer that already exited closes its stdin; writing to it then is not an error worth a crash.
    this.child.stdin!.on('error', () => {});
    this.child.on('close', (code, signal) => {
      if (code !== 0) this.failure = new BaselineError(`The Hyperdrive ${role} peer exited with ${code ?? signal}: ${this.stderrTail.trim()}.`);
      this.closed = true;
      this.wake();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The first not-yet-taken event called `name` (and matching `where`), waiting up to `timeoutMs`. */
  next(name: string, timeoutMs = STEP_TIMEOUT_MS, where: (e: PeerEvent) => boolean = () => true): Promise<PeerEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const index = this.events.findIndex((e) => e.event === name && where(e));
        if (index >= 0) {
          done();
          resolve(this.events.splice(index, 1)[0]);
        } else if (this.failure || this.closed) {
          done();
          reject(this.failure ?? new BaselineError(`The Hyperdrive ${this.role} peer ended before reporting "${name}".`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new BaselineError(`The Hyperdrive ${this.role} peer did not report "${name}" within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Sends one JSON command line to the peer. */
  send(command: Record<string, unknown>): void {
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Closes stdin (the peer's signal to shut down) and returns its final report. */
  async finish(timeoutMs = STEP_TIMEOUT_MS): Promise<PeerEvent> {
    this.child.stdin!.end();
    return this.next('exit', timeoutMs);
  }

  /** Kills the peer if it is still running; safe to call more than once. */
  kill(): void {
    if (!this.closed) this.child.kill('SIGKILL');
  }
}

/** Imports `vaultDir` into a fresh Hyperdrive at `storeDir` with mirror-drive, in a child process. */
export async function runHyperdriveImport({ vaultDir, storeDir }: { vaultDir: string; storeDir: string }): Promise<BenchResult> {
  await requireFreshDir(storeDir);
  const vault = await folderSize(vaultDir);
  const peer = new PeerProcess('import', ['--vault', vaultDir, '--store', storeDir]);
  try {
    const imported = await peer.next('imported', IMPORT_TIMEOUT_MS);
    const exit = await peer.next('exit');
    if (imported.files !== vault.files) throw new BaselineError(`Hyperdrive imported ${String(imported.files)} of ${vault.files} files.`);
    return {
      name: 'hyperdrive import',
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
 * A fresh subscriber replicates the author's drive over Hyperswarm (loopback testnet) and mirrors it
 * to a folder. Two results, both timed from the subscriber's spawn: "all data local" (the whole drive
 * downloaded) and "all files written". Author, subscriber and testnet are three child processes.
 */
export async function runHyperdriveInitialSync({ vaultDir }: { vaultDir: string }): Promise<BenchResult[]> {
  return withAuthor(vaultDir, async ({ key, bootstrap, root, vault, peers }) => {
    const store = join(root, 'subscriber-store');
    const out = join(root, 'subscriber-vault');
    const sub = peers.start('subscribe', ['--key', key, '--store', store, '--bootstrap', bootstrap, '--mode', 'sync', '--out', out]);
    const local = await sub.next('all-data-local', IMPORT_TIMEOUT_MS);
    const written = await sub.next('all-files-written', IMPORT_TIMEOUT_MS);
    const exit = await sub.next('exit');
    if (written.files !== vault.files) throw new BaselineError(`The subscriber wrote ${String(written.files)} of ${vault.files} files.`);
    const storeBytes = await diskUsage(store);
    const common = { files: vault.files, vaultBytes: vault.bytes, peakRssBytes: exit.maxRssBytes as number };
    return [
      {
        name: 'hyperdrive sync: all data local',
        ...common,
        seconds: (local.at - sub.spawnedAt) / 1000,
        diskBytes: storeBytes,
        details: { wireBytes: local.wireBytes as number, payloadBytes: local.payloadBytes as number },
      },
      {
        name: 'hyperdrive sync: all files written',
        ...common,
        seconds: (written.at - sub.spawnedAt) / 1000,
        diskBytes: storeBytes + await diskUsage(out),
      },
    ];
  });
}

/**
 * A fresh subscriber reads one note, then `reads - 1` more, from the author's drive without
 * downloading the rest. Seconds = spawn to first note; details give wire bytes and per-note times.
 * Author, subscriber and testnet are three child processes.
 */
export async function runHyperdriveLazyRead({ vaultDir, reads = 20 }: { vaultDir: string; reads?: number }): Promise<BenchResult> {
  return withAuthor(vaultDir, async ({ root, key, bootstrap, peers }) => {
    const notes = await notePaths(vaultDir);
    // Evenly spaced over the sorted notes: deterministic, and spread across folders.
    const picked = Array.from({ length: Math.min(reads, notes.length) }, (_, i) => notes[Math.floor((i * notes.length) / reads)]);
    const store = join(root, 'subscriber-store');
    const sub = peers.start('subscribe', ['--key', key, '--store', store, '--bootstrap', bootstrap, '--mode', 'lazy', '--read', JSON.stringify(picked)]);
    const first = await sub.next('first-note');
    const further: PeerEvent[] = [];
    for (let i = 1; i < picked.length; i++) further.push(await sub.next('note'));
    const exit = await sub.next('exit');
    const last = further.at(-1) ?? first;
    const furtherWire = (last.wireBytes as number) - (first.wireBytes as number);
    const ms = further.map((e) => e.ms as number);
    return {
      name: 'hyperdrive lazy read: first note',
      files: 1,
      vaultBytes: first.bytes as number,
      seconds: (first.at - sub.spawnedAt) / 1000,
      peakRssBytes: exit.maxRssBytes as number,
      // A store's fixed overhead divided by one note's bytes would be a meaningless ratio.
      diskBytes: null,
      details: {
        storeDiskBytes: await diskUsage(store),
        firstNoteWireBytes: first.wireBytes as number,
        firstNotePayloadBytes: first.payloadBytes as number,
        firstNoteGetMs: first.ms as number,
        furtherNotes: further.length,
        furtherNoteP50Ms: percentile(ms, 50),
        furtherNoteP95Ms: percentile(ms, 95),
        furtherWireBytesPerNote: further.length ? Math.round(furtherWire / further.length) : 0,
      },
    };
  });
}

/**
 * The author edits `edits` notes one after another (write to its folder, mirror that file into the
 * drive); the subscriber watches the drive and mirrors each change to its folder. p50/p95 of
 * edit-to-subscriber-disk latency, as seen by this process. Three child processes.
 */
export async function runHyperdriveEditLatency({ vaultDir, edits = 50 }: { vaultDir: string; edits?: number }): Promise<BenchResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'tzimtzum-bench-edit-'));
  try {
    // The author writes into its vault, so it gets a copy: the caller's vault stays as generated.
    const copy = join(scratch, 'vault');
    await cp(vaultDir, copy, { recursive: true });
    return await withAuthor(copy, async ({ root, key, bootstrap, author, peers }) => {
      const out = join(root, 'subscriber-vault');
      const sub = peers.start('subscribe', ['--key', key, '--store', join(root, 'subscriber-store'), '--bootstrap', bootstrap, '--mode', 'watch', '--out', out]);
      await sub.next('all-files-written', IMPORT_TIMEOUT_MS);
      const notes = await notePaths(copy);
      const latencies: number[] = [];
      const authorMs: number[] = [];
      let editedBytes = 0;
      let text = '';
      let path = '';
      for (let i = 0; i < edits; i++) {
        path = notes[Math.floor((i * notes.length) / edits) % notes.length]!;
        text = `${await readFile(join(copy, path), 'utf8')}\n\nEdited in benchmark round ${i}.\n`;
        const sentAt = performance.now();
        editedBytes += Buffer.byteLength(text, 'utf8');
        author.send({ cmd: 'edit', path, text });
        const edited = await author.next('edited');
        const written = await sub.next('written', STEP_TIMEOUT_MS, (e) => (e.keys as string[]).includes(path));
        latencies.push(written.at - sentAt);
        authorMs.push(edited.ms as number);
      }
      if (edits > 0 && (await readFile(join(out, path), 'utf8')) !== text) {
        throw new BaselineError(`The subscriber's copy of ${path} does not match the author's last edit.`);
      }
      const exit = await sub.finish();
      return {
        name: 'hyperdrive edit → subscriber disk',
        files: edits,
        vaultBytes: editedBytes,
        seconds: latencies.reduce((a, b) => a + b, 0) / 1000,
        peakRssBytes: exit.maxRssBytes as number,
        diskBytes: null,
        details: {
          p50Ms: percentile(latencies, 50),
          p95Ms: percentile(latencies, 95),
          maxMs: Math.max(...latencies),
          authorMirrorP50Ms: percentile(authorMs, 50),
        },
      };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface AuthorSession {
  root: string;
  key: string;
  bootstrap: string;
  author: PeerProcess;
  vault: { files: number; bytes: number };
  peers: { start(role: string, args: string[]): PeerProcess };
}

/** Starts a testnet and an author serving `vaultDir`; runs `body`; then stops every peer and removes every temp dir. */
async function withAuthor<T>(vaultDir: string, body: (session: AuthorSession) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'tzimtzum-bench-hyperdrive-'));
  const started: PeerProcess[] = [];
  const start = (role: string, args: string[]): PeerProcess => {
    const peer = new PeerProcess(role, args);
    started.push(peer);
    return peer;
  };
  try {
    const vault = await folderSize(vaultDir);
    const testnet = start('testnet', []);
    const { bootstrap } = (await testnet.next('testnet')) as PeerEvent & { bootstrap: string };
    const author = start('author', ['--vault', vaultDir, '--store', join(root, 'author-store'), '--bootstrap', bootstrap]);
    const { key } = (await author.next('serving', IMPORT_TIMEOUT_MS)) as PeerEvent & { key: string };
    return await body({ root, key, bootstrap, author, vault, peers: { start } });
  } finally {
    // Subscribers first, then the author, the testnet last: each closes its swarm on stdin's end.
    for (const peer of started.slice().reverse()) await peer.finish(10_000).catch(() => undefined);
    for (const peer of started) peer.kill();
    await rm(root, { recursive: true, force: true });
  }
}

async function notePaths(vaultDir: string): Promise<string[]> {
  const entries = await readdir(vaultDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => `/${relative(vaultDir, join(e.parentPath, e.name)).split(sep).join('/')}`)
    .sort();
}

async function requireFreshDir(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) throw new BaselineError(`The store folder ${dir} is not empty; a Corestore would move its files aside.`);
}
