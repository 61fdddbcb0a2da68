// Killing the process at any point of an import never loses an acknowledged change, never duplicates
// one, and the store always reopens.
import { afterEach, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { FolderMirror } from '../../src/mirror/folder-mirror';
import { NodeFolder } from '../../src/mirror/node-folder';
import { contentHash } from '../../src/engine/content-hash';
import { Teardown, seededRandom, testSeed } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

const CHILD = path.join(import.meta.dirname, 'fixtures/import-child.ts');
const KILLS = 20;

interface ChildRun { acked: Map<string, string>; done: boolean; code: number | null; signal: string | null }

function runChild(storeDir: string, folder: string, killAfterMs: number | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, storeDir, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: ChildRun = { acked: new Map(), done: false, code: null, signal: null };
    let buffered = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let killer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ack ')) {
          const [, hash, ...rest] = line.split(' ');
          run.acked.set(rest.join(' '), hash);
          // Start the kill clock at the first acknowledged append, so kills land inside the import.
          if (killAfterMs !== null && !killer) killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        } else if (line.startsWith('done ')) run.done = true;
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (killer) clearTimeout(killer);
      run.code = code;
      run.signal = signal;
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`import child failed (${code}): ${stderr}`));
      else resolve(run);
    });
  });
}

async function viewOf(storeDir: string): Promise<Map<string, string>> {
  const store = new Corestore(storeDir);
  const kb = new KnowledgeBase({ store, namespace: 'kb/crash' });
  try {
    await kb.ready();
    const view = new Map<string, string>();
    for await (const entry of kb.files()) view.set(entry.path, entry.hash.toString('hex'));
    return view;
  } finally {
    await kb.close();
    await store.close();
  }
}

it(`loses no acknowledged change across ${KILLS} SIGKILLs during an import`, async () => {
  const seed = testSeed('crash-safety');
  const random = seededRandom(seed);
  const folder = await teardown.dir('tzimtzum-crash-vault-');
  const storeDir = await teardown.dir('tzimtzum-crash-store-');
  // Every version each file has had, oldest first: the view may hold an acknowledged version or a later one.
  const versions = new Map<string, string[]>();
  const writeNote = async (n: number, text: string) => {
    const rel = `folder ${n % 12}/note ${n}.md`;
    await mkdir(path.join(folder, `folder ${n % 12}`), { recursive: true });
    await writeFile(path.join(folder, rel), text);
    versions.set(rel, [...(versions.get(rel) ?? []), contentHash(Buffer.from(text)).toString('hex')]);
  };
  for (let i = 0; i < 1200; i++) await writeNote(i, `# Note ${i}\n\n${'lorem ipsum '.repeat(20 + (i % 50))}`);
  for (let i = 0; i < 4; i++) await writeFile(path.join(folder, `image ${i}.bin`), Buffer.alloc(300_000 + i * 1000, i));

  const acknowledged = new Map<string, string>();
  let kills = 0;
  for (let round = 0; round < KILLS * 2 && kills < KILLS; round++) {
    if (round > 0) {
      // Fresh work for every round: edit a random slice of the notes, so each kill lands mid-import.
      for (let i = 0; i < 150; i++) {
        const n = Math.floor(random() * 1200);
        await writeNote(n, `# Note ${n}, round ${round}\n\n${'edited '.repeat(30)}`);
      }
    }
    const run = await runChild(storeDir, folder, Math.floor(random() * 80));
    for (const [file, hash] of run.acked) acknowledged.set(file, hash);
    if (run.signal === 'SIGKILL') kills++;
    const view = await viewOf(storeDir); // always reopens
    for (const [file, hash] of acknowledged) {
      const history = versions.get(file) ?? [hash];
      const held = history.lastIndexOf(view.get(file) ?? 'missing');
      expect(held, `${file}: the view lost its acknowledged version`).toBeGreaterThanOrEqual(history.lastIndexOf(hash));
    }
  }
  expect(kills).toBe(KILLS);

  const final = await runChild(storeDir, folder, null);
  expect(final.done).toBe(true);

  // Everything is there exactly once, and another pass has nothing left to append.
  const store = new Corestore(storeDir);
  const kb = new KnowledgeBase({ store, namespace: 'kb/crash' });
  await kb.ready();
  teardown.add(async () => { await kb.close(); await store.close(); });
  const mirror = new FolderMirror({ kb, folder: new NodeFolder(folder) });
  const length = kb.base.local.length;
  const summary = await mirror.reconcile();
  expect(summary).toMatchObject({ put: 0, deleted: 0, renamed: 0, unchanged: 1204 });
  expect(kb.base.local.length).toBe(length);
  for await (const entry of kb.files()) {
    const bytes = await kb.read(entry);
    expect(bytes.byteLength).toBe(entry.size);
  }
}, 240_000);
