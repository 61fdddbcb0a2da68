// `tzimtzum demo` (npm run demo): the product end to end on one machine. A local DHT on 127.0.0.1, an
// author process sharing the sample vault, a subscriber process mounting it; the subscriber buys the
// sample's paid note on the local payment rail and it unlocks; then the author edits, adds, renames and
// deletes notes, and each change is printed when it lands on the subscriber's disk, with its latency.
// Exits 0 when every change arrived and the two folders are identical.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import createTestnet from 'hyperdht/testnet.js';
import { formatBootstrap } from '../net/dht-settings';
import { LocalLedger } from '../payments/local-ledger';
import type { ParsedCommandLine } from './options';
import type { Output } from './output';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../../bin/tzimtzum.js');
const SAMPLE_VAULT = path.resolve(here, '../../demo/vault');
const STEP_TIMEOUT_MS = 30_000;
/** The sample vault's paid note, which the subscriber buys on the local payment rail. */
const PAID_NOTE = 'Practice/Deep dive.md';

interface Step {
  label: string;
  act: (vault: string) => Promise<void>;
}

const STEPS: Step[] = [
  {
    label: 'edit "Welcome.md"',
    act: (vault) => writeFile(path.join(vault, 'Welcome.md'), '# Welcome, edited live\n\nThe author changed this note while you watched.\n'),
  },
  {
    label: 'create "Concepts/Light.md"',
    act: (vault) => writeFile(path.join(vault, 'Concepts/Light.md'), '# Light\n\nA new note, published the moment it was saved.\n'),
  },
  {
    label: 'rename "Practice/Reading offline.md" → "Practice/Offline first.md"',
    act: (vault) => rename(path.join(vault, 'Practice/Reading offline.md'), path.join(vault, 'Practice/Offline first.md')),
  },
  {
    label: 'delete "Concepts/Vessels.md"',
    act: (vault) => rm(path.join(vault, 'Concepts/Vessels.md')),
  },
  {
    label: 'edit "Concepts/Contraction.md"',
    act: async (vault) => {
      const file = path.join(vault, 'Concepts/Contraction.md');
      await writeFile(file, (await readFile(file, 'utf8')) + '\nAn afterthought, appended by the author.\n');
    },
  },
];

/** Run the demo; resolves with the process exit code. */
export async function demoCommand(_cli: ParsedCommandLine, out: Output): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'tzimtzum-demo-'));
  const children: ChildProcess[] = [];
  const testnet = await createTestnet(3, { host: '127.0.0.1' });
  const bootstrap = formatBootstrap(testnet.bootstrap);
  try {
    out.say(`Local DHT on ${bootstrap} (loopback only).`, { event: 'demo-testnet', bootstrap });
    const vault = path.join(work, 'author vault', 'Sample knowledge base');
    const mount = path.join(work, 'subscriber vault', 'Knowledge bases', 'Sample knowledge base');
    await mkdir(path.dirname(vault), { recursive: true });
    await cp(SAMPLE_VAULT, vault, { recursive: true });
    const authorData = path.join(work, 'author data');
    const readerData = path.join(work, 'subscriber data');
    const ledger = path.join(work, 'local ledger.json');
    const common = ['--bootstrap', bootstrap, '--json', '--wallet', `local:${ledger}`];
    await runToEnd(['--data', authorData, ...common, 'init']);
    const reader0 = await runToEnd(['--data', readerData, ...common, 'init']);
    // The reader's wallet on the local ledger gets some sats to spend (a real wallet would be funded by a deposit).
    await new LocalLedger({ file: ledger }).fund(String(reader0.fingerprint), 10_000);

    const started = Date.now();
    const author = startPeer(['--data', authorData, ...common, 'share', vault, '--title', 'Sample knowledge base'], children);
    const shared = await author.waitFor((event) => event.event === 'shared');
    const link = String(shared.link);
    out.say(`Author shares the sample vault: ${link}`, { event: 'demo-shared', link });

    const reader = startPeer(['--data', readerData, ...common, 'subscribe', link, mount, '--buy', PAID_NOTE], children);
    await reader.waitFor((event) => event.event === 'subscribed');
    const initial = await waitUntil(async () => (await sameTree(vault, mount, PAID_NOTE)) ? true : null, 'the initial sync');
    const files = Object.keys(await tree(vault)).length;
    out.say(`Subscriber mounted ${files} files in ${initial.at - started} ms (two processes started, DHT lookup, full sync).`, { event: 'demo-initial-sync', files, ms: initial.at - started });

    const buying = await reader.waitFor((event) => event.event === 'buying');
    out.say(`  reader: "${PAID_NOTE}" is a locked stub (title, preview, price); buying it for ${String(buying.amountSats)} sats on the local rail…`, { event: 'demo-buying' });
    const unlocked = await waitUntil(async () => (await sameFile(vault, mount, PAID_NOTE)) ? true : null, 'the unlocked paid note');
    out.say(`  reader: paid, granted and unlocked in ${unlocked.at - Number(buying.time)} ms; the note now reads as the author wrote it.`, { event: 'demo-unlocked', ms: unlocked.at - Number(buying.time) });

    const latencies: number[] = [];
    for (const step of STEPS) {
      const expected = async () => (await sameTree(vault, mount)) ? true : null;
      const t0 = Date.now();
      await step.act(vault);
      const arrived = await waitUntil(expected, step.label);
      latencies.push(arrived.at - t0);
      out.say(`  author: ${step.label.padEnd(72)} → on the subscriber's disk in ${arrived.at - t0} ms`, { event: 'demo-change', change: step.label, ms: arrived.at - t0 });
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    out.say(`All ${STEPS.length} changes arrived; median ${sorted[Math.floor(sorted.length / 2)]} ms (includes the author's 100 ms save debounce). The folders are identical.`, {
      event: 'demo-done', changes: STEPS.length, medianMs: sorted[Math.floor(sorted.length / 2)],
    });

    for (const child of children) child.kill('SIGINT');
    await Promise.all(children.map(exited));
    out.say('Both peers closed cleanly.');
    return 0;
  } catch (err) {
    out.error(`Demo failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await testnet.destroy();
    await rm(work, { recursive: true, force: true, maxRetries: 3 });
  }
}

interface PeerProcess {
  waitFor(match: (event: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function startPeer(args: string[], children: ChildProcess[]): PeerProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const waiters: { match: (event: Record<string, unknown>) => boolean; resolve: (e: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      events.push(event);
      for (const waiter of [...waiters]) if (waiter.match(event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  return {
    waitFor: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`a peer did not report in ${STEP_TIMEOUT_MS} ms. ${stderr}`)), STEP_TIMEOUT_MS);
        child.once('exit', (code) => reject(new Error(`a peer exited early (code ${code}). ${stderr}`)));
        waiters.push({ match, resolve: (event) => { clearTimeout(timer); resolve(event); } });
      });
    },
  };
}

/** Run a command to its end; returns its last JSON event. */
async function runToEnd(args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`tzimtzum ${args.join(' ')} failed: ${stderr}`);
  const last = stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as Record<string, unknown>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Poll (every 2 ms, bounded) until `check` returns a value; returns when it did. */
async function waitUntil<T>(check: () => Promise<T | null>, what: string): Promise<{ value: T; at: number }> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== null) return { value, at: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`${what} did not reach the subscriber within ${STEP_TIMEOUT_MS / 1000} s`);
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out[child] = (await readFile(path.join(dir, child)).catch(() => Buffer.alloc(0))).toString('base64');
    }
  };
  await walk('');
  return out;
}

/** Whether two folders hold the same files; `except` is compared by presence only (a paid note's stub). */
async function sameTree(a: string, b: string, except?: string): Promise<boolean> {
  const [left, right] = await Promise.all([tree(a), tree(b)]);
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => key in right && (key === except || left[key] === right[key]));
}

async function sameFile(a: string, b: string, rel: string): Promise<boolean> {
  const [left, right] = await Promise.all([readFile(path.join(a, rel)).catch(() => null), readFile(path.join(b, rel)).catch(() => null)]);
  return left !== null && right !== null && left.equals(right);
}
