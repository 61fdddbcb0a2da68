import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, readdir, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { Mount, type MountOptions } from '../../src/mount/mount';
import { holdsWithin } from '../support/replication';
import { Teardown } from '../support/temp';

let teardown: Teardown;
let kb: KnowledgeBase;
let root: string;
let dataDir: string;

const note = (p: string, text: string) => ({ path: p, bytes: Buffer.from(text), mtime: 1_700_000_000_000 });

async function mount(opts: Partial<MountOptions> = {}): Promise<Mount> {
  const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json'), now: () => new Date('2026-11-24T10:15:02Z'), ...opts });
  teardown.add(() => m.close());
  await m.start();
  return m;
}

async function disk(dir = root): Promise<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>; // a file may be called "__proto__"
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out[child] = (await readFile(path.join(dir, child))).toString();
    }
  };
  await walk('');
  return out;
}

function nextSync(m: Mount): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no sync within 10 s')), 10_000);
    m.once('synced', () => { clearTimeout(timer); resolve(); });
  });
}

beforeEach(async () => {
  teardown = new Teardown();
  root = path.join(await teardown.dir('tzimtzum-mount-'), 'Knowledge bases', 'Demo');
  dataDir = await teardown.dir('tzimtzum-data-');
  const store = await teardown.store();
  kb = new KnowledgeBase({ store, namespace: 'kb/mount' });
  await kb.ready();
  teardown.add(() => kb.close());
});
afterEach(() => teardown.run());

describe('Mount', () => {
  it('writes every file byte-identical on the initial sync, reporting progress', async () => {
    const picture = Buffer.alloc(200_000, 9);
    await kb.putFiles([note('Welcome.md', '# Hi'), note('Topics/Deep/Idea.md', 'idea'), { path: 'img/p.png', bytes: picture, mtime: 1 }]);
    const phases: string[] = [];
    const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json') });
    teardown.add(() => m.close());
    m.on('progress', (p) => phases.push(p.phase));
    const summary = await m.start();
    expect(summary.written).toBe(3);
    expect(phases).toContain('done');
    expect((await readFile(path.join(root, 'img/p.png'))).equals(picture)).toBe(true);
    expect(await readFile(path.join(root, 'Topics/Deep/Idea.md'), 'utf8')).toBe('idea');
    expect((await lstat(path.join(root, 'Welcome.md'))).mtimeMs).toBe(1_700_000_000_000);
  });

  it('applies live puts, deletes and renames from the change feed', async () => {
    await kb.putFiles([note('a.md', 'a'), note('b.md', 'b'), note('dir/c.md', 'c')]);
    const m = await mount();
    const synced = nextSync(m);
    await kb.putFiles([note('a.md', 'a2'), note('new.md', 'new')]);
    await synced;
    await kb.deleteFiles([{ path: 'b.md' }]);
    await kb.rename('dir', 'moved', { folder: true });
    // The deletion and the rename land in one sync or in two: wait for the folder, not for a count of syncs.
    const expected = { 'a.md': 'a2', 'new.md': 'new', 'moved/c.md': 'c' };
    await holdsWithin(10_000, async () => isDeepStrictEqual(await disk(), expected));
    expect(await disk()).toEqual(expected);
  });

  it('resumes from the last applied version after a restart, rewriting nothing', async () => {
    await kb.putFiles([note('a.md', 'a'), note('b.md', 'b')]);
    const first = await mount();
    await first.close();
    const second = await mount();
    expect(second.appliedVersion).toBe(kb.version);
    const summary = await second.reconcile();
    expect(summary).toMatchObject({ written: 0, unchanged: 2 });
  });

  it('reconciles changes made while it was stopped, on start-up', async () => {
    await kb.putFiles([note('a.md', 'a'), note('b.md', 'b')]);
    const first = await mount();
    await first.close();
    await kb.putFiles([note('a.md', 'a changed offline')]);
    await kb.deleteFiles([{ path: 'b.md' }]);
    await mount();
    expect(await disk()).toEqual({ 'a.md': 'a changed offline' });
  });

  it('keeps a local edit made while it was stopped when the file also changed remotely', async () => {
    await kb.putFiles([note('Note.md', 'from the author')]);
    const first = await mount();
    await first.close();
    await writeFile(path.join(root, 'Note.md'), 'my words, written offline');
    await kb.putFiles([note('Note.md', 'the author\'s next version')]);
    await mount();
    expect(await disk()).toEqual({ 'Note.md': 'the author\'s next version', 'Note (local edit 2026-11-24 10.15.02).md': 'my words, written offline' });
  });

  it('makes no conflict copy of its own write when its saved state missed it (a crash)', async () => {
    await kb.putFiles([note('Note.md', 'v1')]);
    const first = await mount();
    const stale = await readFile(path.join(dataDir, 'mount.json'));
    await kb.putFiles([note('Note.md', 'v2')]);
    await first.sync();
    await first.close();
    await writeFile(path.join(dataDir, 'mount.json'), stale); // the save of v2 never happened
    await mount();
    expect(await disk()).toEqual({ 'Note.md': 'v2' });
  });

  it('restores a locally edited file and keeps the user\'s text as a conflict copy', async () => {
    await kb.putFiles([note('Note.md', 'from the author')]);
    const m = await mount();
    await writeFile(path.join(root, 'Note.md'), 'my own words');
    const restored = await m.checkDrift(['Note.md']);
    expect(restored).toEqual([{ path: 'Note.md', conflictCopy: 'Note (local edit 2026-11-24 10.15.02).md', kind: 'edited' }]);
    expect(await disk()).toEqual({ 'Note.md': 'from the author', 'Note (local edit 2026-11-24 10.15.02).md': 'my own words' });
    await writeFile(path.join(root, 'Note.md'), 'second edit, same second');
    await m.checkDrift(['Note.md']);
    expect((await disk())['Note (local edit 2026-11-24 10.15.02 2).md']).toBe('second edit, same second');
  });

  it('restores a locally deleted file', async () => {
    await kb.putFiles([note('Note.md', 'keep me')]);
    const m = await mount();
    await rm(path.join(root, 'Note.md'));
    expect(await m.checkDrift()).toEqual([{ path: 'Note.md', conflictCopy: null, kind: 'deleted' }]);
    expect(await disk()).toEqual({ 'Note.md': 'keep me' });
  });

  it('keeps a local edit when the remote deletes the file', async () => {
    await kb.putFiles([note('Note.md', 'remote'), note('other.md', 'o')]);
    const m = await mount();
    await writeFile(path.join(root, 'Note.md'), 'local words');
    await kb.deleteFiles([{ path: 'Note.md' }]);
    await m.sync();
    expect(await disk()).toEqual({ 'other.md': 'o', 'Note (local edit 2026-11-24 10.15.02).md': 'local words' });
  });

  it('never touches files it did not write', async () => {
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'mine.md'), 'a file of the user');
    await kb.putFiles([note('a.md', 'a')]);
    const m = await mount();
    await kb.deleteFiles([{ path: 'a.md' }]);
    await m.sync();
    expect(await disk()).toEqual({ 'mine.md': 'a file of the user' });
  });

  it('holds remote mass deletions until confirmed', async () => {
    await kb.putFiles(Array.from({ length: 8 }, (_, i) => note(`n${i}.md`, `n${i}`)));
    const m = await mount({ massDeleteThreshold: 5 });
    await kb.deleteFiles(Array.from({ length: 8 }, (_, i) => ({ path: `n${i}.md` })));
    await m.sync();
    expect(m.heldDeletions).toHaveLength(8);
    expect(Object.keys(await disk())).toHaveLength(8);
    expect(await m.confirmDeletions()).toBe(8);
    expect(await disk()).toEqual({});
  });

  it('writes lazy stubs first and fetches a note when asked', async () => {
    const text = '# Big note\n' + 'content '.repeat(100);
    await kb.putFiles([note('Big.md', text), { path: 'pic.png', bytes: Buffer.alloc(10, 1), mtime: 1 }]);
    // A lazy subscriber is simulated by a mount that treats nothing as local yet.
    const has = kb.blobs.has.bind(kb.blobs);
    kb.blobs.has = () => Promise.resolve(false);
    const m = await mount({ mode: 'lazy' });
    const stub = await readFile(path.join(root, 'Big.md'), 'utf8');
    expect(stub).toContain('tzimtzum-stub: true');
    expect(stub).toContain('has not been downloaded yet');
    expect(m.isStub('Big.md')).toBe(true);
    expect(Object.keys(await disk())).toEqual(['Big.md']); // attachments wait until fetched
    kb.blobs.has = has;
    await m.fetch('Big.md');
    expect(await readFile(path.join(root, 'Big.md'), 'utf8')).toBe(text);
    expect(m.isStub('Big.md')).toBe(false);
  });

  it('runs a full comparison when the view is rewound', async () => {
    await kb.putFiles([note('a.md', 'a')]);
    const m = await mount();
    await writeFile(path.join(root, 'a.md'), 'drifted');
    const synced = nextSync(m);
    kb.emit('truncate', 0);
    await synced;
    expect((await disk())['a.md']).toBe('a');
  });
});

describe('Mount with a hostile knowledge base', () => {
  it('rejects unsafe paths with reasons and writes nothing outside its folder', async () => {
    const outside = path.dirname(root);
    const evil = ['../escape.md', '/etc/passwd', '.obsidian/plugins/evil/main.js', '．obsidian/x.md', 'a/../../up.md', 'CON.md', 'C:/win.md', 'ok\u202e.md', 'good.md'];
    const [blob] = await kb.blobs.putMany([Buffer.from('x')]);
    const { contentHash } = await import('../../src/engine/content-hash');
    await kb.appendOps(evil.map((p) => ({ type: 'put' as const, path: p, hash: contentHash(Buffer.from('x')), size: 1, mtime: 0, kind: 'note' as const, blob, base: null })));
    const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json') });
    teardown.add(() => m.close());
    const summary = await m.start();
    expect(summary.rejected.map((r) => r.path).sort()).toEqual(evil.filter((p) => p !== 'good.md').sort());
    for (const r of summary.rejected) expect(r.message.length).toBeGreaterThan(10);
    expect(await disk()).toEqual({ 'good.md': 'x' });
    expect((await readdir(outside)).sort()).toEqual(['Demo']);
  });

  it('resolves names that differ only by case or normalization deterministically', async () => {
    await kb.putFiles([note('Note.md', 'upper'), note('note.md', 'lower'), note('Cafe\u0301.md', 'nfd'), note('Café.md', 'nfc')]);
    const summary = await (await mount()).reconcile();
    const files = await disk();
    expect(Object.keys(files).sort()).toEqual(['Café.md', 'Note.md']);
    expect(files['Note.md']).toBe('upper');
    // Ties on the NFC name go to the smaller source by code units: the decomposed spelling here.
    expect(files['Café.md']).toBe('nfd');
    expect(summary.rejected.map((r) => [r.path, r.reason]).sort()).toEqual([['Caf\u00e9.md', 'collision'], ['note.md', 'collision']]);
  });

  it('mounts files named like built-in object properties as ordinary files, across a restart', async () => {
    const names = ['__proto__', 'constructor', 'hasOwnProperty', 'valueOf'];
    await kb.putFiles(names.map((name) => note(name, `file ${name}`)));
    const first = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json') });
    const summary = await first.start();
    expect(summary.written).toBe(4);
    expect(summary.restored).toEqual([]);
    expect(await disk()).toEqual(Object.fromEntries(names.map((name) => [name, `file ${name}`])));
    expect(names.every((name) => first.owns(name))).toBe(true);
    expect(first.owns('toString')).toBe(false);
    await first.close();
    const second = await mount();
    expect(await second.reconcile()).toMatchObject({ written: 0, unchanged: 4, restored: [] });
  });

  it('never follows a symbolic link planted inside the mount', async () => {
    const target = await teardown.dir('tzimtzum-outside-');
    await kb.putFiles([note('linked/inside.md', 'x')]);
    await mkdir(root, { recursive: true });
    await symlink(target, path.join(root, 'linked'));
    const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json') });
    teardown.add(() => m.close());
    const summary = await m.start();
    expect(summary.errors[0]?.message).toMatch(/link or a file, not a folder/);
    expect(await readdir(target)).toEqual([]);
  });

  it('caps file count, total size and file size', async () => {
    await kb.putFiles(Array.from({ length: 10 }, (_, i) => note(`n${i}.md`, 'x'.repeat(10))));
    await kb.putFiles([note('huge.md', 'y'.repeat(1000))]);
    const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json'), limits: { maxFiles: 5, maxFileBytes: 100 } });
    teardown.add(() => m.close());
    const summary = await m.start();
    expect(Object.keys(await disk())).toHaveLength(5);
    expect(summary.rejected.find((r) => r.path === 'huge.md')?.message).toMatch(/over this mount's 100 B file limit/);
    expect(summary.rejected.filter((r) => /limit of 5 files/.test(r.message))).toHaveLength(5);
  });

  it('keeps the caps on live updates, and frees room when files go', async () => {
    await kb.putFiles([note('a.md', 'x'.repeat(40)), note('b.md', 'x'.repeat(40))]);
    const m = new Mount({ kb, root, stateFile: path.join(dataDir, 'mount.json'), limits: { maxFiles: 3, maxTotalBytes: 100 } });
    teardown.add(() => m.close());
    await m.start();
    const rejected: string[] = [];
    m.on('rejected', (entries) => rejected.push(...entries.map((entry) => entry.path)));

    let synced = nextSync(m);
    await kb.putFiles([note('c.md', 'x'.repeat(40))]); // 120 bytes in all: over the total
    await synced;
    expect(rejected).toEqual(['c.md']);
    synced = nextSync(m);
    await kb.putFiles([note('d.md', 'x'.repeat(20))]); // 100 bytes: fits
    await synced;
    expect(Object.keys(await disk()).sort()).toEqual(['a.md', 'b.md', 'd.md']);

    synced = nextSync(m);
    await kb.deleteFiles([{ path: 'a.md' }]);
    await synced;
    synced = nextSync(m);
    await kb.putFiles([note('e.md', 'x'.repeat(40))]); // room again: 100 bytes, 3 files
    await synced;
    expect(Object.keys(await disk()).sort()).toEqual(['b.md', 'd.md', 'e.md']);
  });
});
