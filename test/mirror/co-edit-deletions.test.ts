import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { CoEditor, type HeldRemovals } from '../../src/mirror/co-editor';
import { FolderMirror } from '../../src/mirror/folder-mirror';
import { NodeFolder } from '../../src/mirror/node-folder';
import { NodeFolderWatcher } from '../../src/mirror/node-watcher';
import { SyncedVersions } from '../../src/mirror/synced-versions';
import { FileWriter } from '../../src/mount/file-writer';
import { eventually } from '../support/network';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// Another writer (a co-author, or a buggy or compromised device) deleting many notes at once must not
// empty this device's shared folder: above the threshold the removals wait for the user's confirmation.
const THRESHOLD = 3;
const NOTES = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md'];

let teardown: Teardown;
/** The other writer: writes straight into the knowledge base. */
let author: KnowledgeBase;
/** This device: a folder kept in line by a mirror and a co-editor. */
let kb: KnowledgeBase;
let dir: string;
let synced: SyncedVersions;
let mirror: FolderMirror;
let coEditor: CoEditor;
let held: HeldRemovals[];
/** What the co-editor removed from the folder. */
let removed: string[];
let link: () => void;
let unlink: (() => void) | null;

function startCoEditor(): CoEditor {
  const editor = new CoEditor({ kb, mirror, synced, files: new FileWriter(dir), massDeleteThreshold: THRESHOLD });
  editor.on('deletions-held', (event) => held.push(event));
  editor.on('written', (change) => {
    if (change.type === 'delete') removed.push(change.path);
  });
  teardown.add(() => editor.close());
  editor.start();
  return editor;
}

beforeEach(async () => {
  teardown = new Teardown();
  held = [];
  removed = [];
  const stores = [await teardown.store(), await teardown.store()];
  author = new KnowledgeBase({ store: stores[0], namespace: 'kb', key: null });
  await author.ready();
  teardown.add(() => author.close());
  kb = new KnowledgeBase({ store: stores[1], namespace: 'kb', key: author.key });
  await kb.ready();
  teardown.add(() => kb.close());
  link = () => {
    unlink = linkStores(stores[0], stores[1]);
  };
  link();
  teardown.add(() => unlink?.());
  await author.addWriter(kb.localWriterKey, { role: 'author', name: 'laptop' });
  await eventually(async () => {
    await kb.update();
    return kb.writable;
  }, 'this device becomes a writer');

  dir = await teardown.dir('tzimtzum-coedit-');
  synced = await SyncedVersions.open(path.join(await teardown.dir(), 'synced.json'), kb, { fresh: true });
  mirror = new FolderMirror({ kb, folder: new NodeFolder(dir), events: new NodeFolderWatcher(dir), baseline: synced, debounceMs: 30 });
  teardown.add(async () => {
    await mirror.close();
    await synced.save();
  });
  await mirror.start();
  coEditor = startCoEditor();

  await author.putFiles(NOTES.map((file) => ({ path: file, bytes: Buffer.from(`${file} by the author\n`), mtime: Date.now() })));
  await eventually(async () => (await folder()).length === NOTES.length, 'the notes in this folder');
});
afterEach(() => teardown.run());

/** The notes in the folder (flat; hidden temp files of atomic writes left out). */
async function folder(): Promise<string[]> {
  return (await fs.readdir(dir)).filter((name) => !name.startsWith('.')).sort();
}

/** The other writer deletes `files` in one append; resolves once this device's view has it. */
async function landDeletions(files: string[]): Promise<void> {
  const entries = await Promise.all(files.map((file) => author.stat(file)));
  await author.deleteFiles(entries.map((entry) => ({ path: entry!.path, base: entry!.hash })));
  await eventually(async () => {
    await kb.update();
    for (const file of files) if (await kb.stat(file, { wait: false })) return false;
    return true;
  }, 'the deletions in this device\'s view');
}

/** The other writer deletes `files` in one append; resolves once this device's co-editor has seen it. */
async function authorDeletes(files: string[]): Promise<void> {
  await landDeletions(files);
  await coEditor.catchUp();
}

describe('another writer deleting many notes at once', () => {
  it('keeps them in the folder and reports them as held', async () => {
    await authorDeletes(NOTES);
    expect(removed).toEqual([]);
    expect(await folder()).toEqual(NOTES);
    expect(held).toHaveLength(1);
    expect(held[0].count).toBe(NOTES.length);
    expect([...held[0].paths].sort()).toEqual(NOTES);
    expect(coEditor.heldDeletions.sort()).toEqual(NOTES);
  });

  it('removes the held notes once the user confirms', async () => {
    await authorDeletes(NOTES);
    expect(await coEditor.confirmDeletions()).toBe(NOTES.length);
    expect(await folder()).toEqual([]);
    expect(coEditor.heldDeletions).toEqual([]);
    expect(await synced.get('a.md')).toBeNull();
  });

  it('removes a deletion set at the threshold at once', async () => {
    await authorDeletes(NOTES.slice(0, THRESHOLD));
    expect(await folder()).toEqual(NOTES.slice(THRESHOLD));
    expect(held).toEqual([]);
    expect(coEditor.heldDeletions).toEqual([]);
  });

  it('keeps applying the other changes that arrive with them', async () => {
    unlink!();
    unlink = null;
    await author.putFiles([{ path: 'new.md', bytes: Buffer.from('new\n'), mtime: Date.now() }]);
    const deleting = authorDeletes(NOTES);
    link();
    await deleting;
    expect(await folder()).toEqual([...NOTES, 'new.md'].sort());
    expect(await fs.readFile(path.join(dir, 'new.md'), 'utf8')).toBe('new\n');
  });

  it('keeps a held note the user edited meanwhile, and publishes the edit', async () => {
    await authorDeletes(NOTES);
    await fs.writeFile(path.join(dir, 'a.md'), 'my words\n');
    expect(await coEditor.confirmDeletions()).toBe(NOTES.length - 1);
    expect(await folder()).toEqual(['a.md']);
    expect(await fs.readFile(path.join(dir, 'a.md'), 'utf8')).toBe('my words\n');
    await eventually(async () => {
      await mirror.flush();
      await author.update();
      const entry = await author.stat('a.md', { wait: false });
      return entry !== null && (await author.read(entry)).toString() === 'my words\n';
    }, 'the edit back in the knowledge base (an edit beats a delete)');
  });

  it('confirms only notes still deleted: one the other writer restored meanwhile keeps its new text', async () => {
    await authorDeletes(NOTES);
    await author.putFiles([{ path: 'c.md', bytes: Buffer.from('c.md restored\n'), mtime: Date.now() }]);
    await eventually(async () => {
      await kb.update();
      return (await kb.stat('c.md', { wait: false })) !== null;
    }, 'the restored note in this device\'s view');
    expect(await coEditor.confirmDeletions()).toBe(NOTES.length - 1);
    await coEditor.catchUp();
    expect(await folder()).toEqual(['c.md']);
    expect(await fs.readFile(path.join(dir, 'c.md'), 'utf8')).toBe('c.md restored\n');
  });

  it('never publishes a held note back as a new file', async () => {
    await authorDeletes(NOTES);
    const appended = kb.base.local.length;
    const summary = await mirror.reconcile();
    expect(summary.put + summary.renamed).toBe(0);
    for (const file of NOTES) mirror.enqueue({ type: 'changed', path: file });
    await mirror.flush();
    await coEditor.catchUp();
    expect(kb.base.local.length).toBe(appended);
    for (const file of NOTES) expect(await kb.stat(file, { wait: false })).toBeNull();
    expect(coEditor.heldDeletions.sort()).toEqual(NOTES);
  });

  it('applies a later small deletion set while the large one stays held', async () => {
    await authorDeletes(NOTES.slice(0, 4));
    await authorDeletes(['e.md']);
    expect(await folder()).toEqual(NOTES.slice(0, 4));
    expect(coEditor.heldDeletions.sort()).toEqual(NOTES.slice(0, 4));
    expect(held).toHaveLength(1);
  });

  it('counts a deletion set as one even when it lands while the co-editor is reading the view', async () => {
    await eventually(async () => {
      await coEditor.catchUp();
      return synced.version === kb.version;
    }, 'the co-editor caught up with the view');
    // Make the view move mid-read: c, d and e are read before the deletions land, a and b after. Counted
    // apart, neither part is over the threshold and all five notes would go.
    const stat = kb.stat.bind(kb);
    let landed = false;
    vi.spyOn(kb, 'stat').mockImplementation(async (file, opts) => {
      if (file === 'a.md' && !landed) {
        landed = true;
        await landDeletions(NOTES);
      }
      return stat(file, opts);
    });
    for (const file of ['c.md', 'd.md', 'e.md', 'a.md', 'b.md']) synced.touched.add(file);
    await coEditor.catchUp();
    await coEditor.catchUp();
    expect(landed).toBe(true);
    expect(removed).toEqual([]);
    expect(await folder()).toEqual(NOTES);
    expect(coEditor.heldDeletions.sort()).toEqual(NOTES);
  });

  it('holds them again after a restart instead of forgetting them', async () => {
    await authorDeletes(NOTES);
    await coEditor.close();
    held = [];
    coEditor = startCoEditor();
    await coEditor.catchUp();
    expect(await folder()).toEqual(NOTES);
    expect(coEditor.heldDeletions.sort()).toEqual(NOTES);
    expect(held).toHaveLength(1);
  });
});
