import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { FolderMirror } from '../../src/mirror/folder-mirror';
import { NodeFolder } from '../../src/mirror/node-folder';
import { NodeFolderWatcher } from '../../src/mirror/node-watcher';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let root: string;
let kb: KnowledgeBase;

async function write(rel: string, text: string | Buffer): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

function mirror(opts: Partial<ConstructorParameters<typeof FolderMirror>[0]> = {}): FolderMirror {
  const m = new FolderMirror({ kb, folder: new NodeFolder(root), debounceMs: 20, ...opts });
  teardown.add(() => m.close());
  return m;
}

async function kbFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of kb.files()) out[entry.path] = (await kb.read(entry)).toString();
  return out;
}

beforeEach(async () => {
  teardown = new Teardown();
  root = await teardown.dir('tzimtzum-vault-');
  const store = await teardown.store();
  kb = new KnowledgeBase({ store, namespace: 'kb/mirror' });
  await kb.ready();
  teardown.add(() => kb.close());
});
afterEach(() => teardown.run());

describe('FolderMirror reconciliation', () => {
  it('imports a folder, leaving out hidden folders, the trash and ignored globs', async () => {
    await write('Welcome.md', 'hi');
    await write('Deep/Er/Note.md', 'deep');
    await write('.obsidian/app.json', '{}');
    await write('.trash/old.md', 'old');
    await write('drafts/secret.md', 'draft');
    await write('img.png', Buffer.from([1, 2, 3]));
    const summary = await mirror({ ignore: ['drafts/**'] }).reconcile();
    expect(summary).toMatchObject({ put: 3, deleted: 0, renamed: 0, held: null });
    expect(Object.keys(await kbFiles()).sort()).toEqual(['Deep/Er/Note.md', 'Welcome.md', 'img.png']);
  });

  it('appends nothing when nothing changed (restart resumes without duplicate ops)', async () => {
    await write('a.md', 'a');
    await write('b.md', 'b');
    await mirror().reconcile();
    const length = kb.base.local.length;
    const again = await mirror().reconcile();
    expect(again).toMatchObject({ put: 0, deleted: 0, renamed: 0, unchanged: 2 });
    expect(kb.base.local.length).toBe(length);
  });

  it('detects edits, deletions and renames made while it was not running', async () => {
    await write('edit.md', 'v1');
    await write('gone.md', 'bye');
    await write('move.md', 'moving content');
    await write('stay.md', 'stay');
    await mirror().reconcile();
    await write('edit.md', 'v2 is longer');
    await rm(path.join(root, 'gone.md'));
    await mkdir(path.join(root, 'moved'));
    await rename(path.join(root, 'move.md'), path.join(root, 'moved/here.md'));
    const summary = await mirror().reconcile();
    expect(summary).toMatchObject({ put: 1, deleted: 1, renamed: 1 });
    expect(await kbFiles()).toEqual({ 'edit.md': 'v2 is longer', 'moved/here.md': 'moving content', 'stay.md': 'stay' });
  });

  it('handles unicode names, keeping them in NFC', async () => {
    await write('Café/日本語 ノート.md', 'unicode');
    await write('emoji 🎉.md', 'party');
    await write('Cafe\u0301 nfd.md', 'decomposed');
    await mirror().reconcile();
    expect(Object.keys(await kbFiles()).sort()).toEqual(['Café nfd.md', 'Café/日本語 ノート.md', 'emoji 🎉.md'].sort());
  });

  it('never turns a missing folder into "delete everything"', async () => {
    await write('a.md', 'a');
    await mirror().reconcile();
    await rm(root, { recursive: true });
    const summary = await mirror().reconcile();
    expect(summary.held).toMatchObject({ reason: 'folder-missing', count: 1 });
    expect(Object.keys(await kbFiles())).toEqual(['a.md']);
  });

  it('holds deletions of an emptied folder or above the threshold until confirmed', async () => {
    for (let i = 0; i < 6; i++) await write(`n${i}.md`, `n${i}`);
    await mirror().reconcile();
    for (let i = 0; i < 6; i++) await rm(path.join(root, `n${i}.md`));
    const emptied = mirror();
    const summary = await emptied.reconcile();
    expect(summary.held).toMatchObject({ reason: 'folder-empty', count: 6 });
    expect(Object.keys(await kbFiles())).toHaveLength(6);
    expect(await emptied.confirmDeletions()).toBe(6);
    expect(await kbFiles()).toEqual({});

    for (let i = 0; i < 6; i++) await write(`m${i}.md`, `m${i}`);
    await write('keep.md', 'keep');
    await mirror().reconcile();
    for (let i = 0; i < 6; i++) await rm(path.join(root, `m${i}.md`));
    const guarded = mirror({ massDeleteThreshold: 5 });
    expect((await guarded.reconcile()).held).toMatchObject({ reason: 'over-threshold', count: 6 });
    guarded.discardHeldDeletions();
    expect(Object.keys(await kbFiles())).toHaveLength(7);
  });
});

describe('FolderMirror live events', () => {
  it('mirrors creates, edits, deletes and renames fed as events, a rename staying a rename', async () => {
    await write('a.md', 'a1');
    await write('f/x.md', 'x');
    await write('f/y.md', 'y');
    const m = mirror();
    await m.start();
    await write('a.md', 'a2');
    m.enqueue({ type: 'changed', path: 'a.md' });
    await write('new.md', 'new');
    m.enqueue({ type: 'changed', path: 'new.md' });
    await m.flush();
    // Counted from here: the debounce may flush some of what follows on its own, which changes nothing.
    const before = kb.base.local.length;
    await rename(path.join(root, 'f'), path.join(root, 'g'));
    m.enqueue({ type: 'renamed', from: 'f', to: 'g', folder: true });
    await rename(path.join(root, 'new.md'), path.join(root, 'renamed.md'));
    m.enqueue({ type: 'renamed', from: 'new.md', to: 'renamed.md' });
    await rm(path.join(root, 'a.md'));
    m.enqueue({ type: 'deleted', path: 'a.md' });
    await m.flush();
    expect(await kbFiles()).toEqual({ 'g/x.md': 'x', 'g/y.md': 'y', 'renamed.md': 'new' });
    expect(kb.base.local.length - before).toBe(3); // folder rename, file rename, delete: no re-uploads
  });

  it('pairs a watcher\'s delete + create of the same bytes into a rename', async () => {
    await write('old name.md', 'same bytes');
    const m = mirror();
    await m.start();
    await rename(path.join(root, 'old name.md'), path.join(root, 'new name.md'));
    m.enqueue({ type: 'deleted', path: 'old name.md' });
    m.enqueue({ type: 'changed', path: 'new name.md' });
    const blobBytes = (await kb.blobs.localCore()).byteLength;
    await m.flush();
    expect(await kbFiles()).toEqual({ 'new name.md': 'same bytes' });
    expect((await kb.blobs.localCore()).byteLength).toBe(blobBytes);
  });

  it('follows a real folder through the file-system watcher', async () => {
    const m = mirror({ events: new NodeFolderWatcher(root) });
    await m.start();
    const flushed = new Promise<void>((resolve) => m.on('flushed', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher walks the tree first
    await write('watched.md', 'seen by the watcher');
    await Promise.race([flushed, new Promise((_, reject) => setTimeout(() => reject(new Error('no flush within 10 s')), 10_000))]);
    expect(await kbFiles()).toEqual({ 'watched.md': 'seen by the watcher' });
    expect((await readFile(path.join(root, 'watched.md'))).toString()).toBe('seen by the watcher');
  });

  it('publishes the last of a burst of quick saves', async () => {
    await write('burst.md', 'v0');
    const m = mirror({ events: new NodeFolderWatcher(root), debounceMs: 0 });
    await m.start();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the watcher walks the tree first
    for (let i = 1; i <= 5; i++) {
      await write('burst.md', `v${i}`);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await kbFiles())['burst.md'] !== 'v5') await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await kbFiles())['burst.md']).toBe('v5');
  });
});
