import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { CoEditor } from '../../src/mirror/co-editor';
import { FolderMirror } from '../../src/mirror/folder-mirror';
import { NodeFolder } from '../../src/mirror/node-folder';
import { NodeFolderWatcher } from '../../src/mirror/node-watcher';
import { SyncedVersions } from '../../src/mirror/synced-versions';
import { FileWriter } from '../../src/mount/file-writer';
import { eventually } from '../support/network';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// Two devices writing one knowledge base, each mirroring its own folder: what either writes reaches the
// other's folder, nothing is echoed back, and no local edit is overwritten.
interface Device {
  kb: KnowledgeBase;
  dir: string;
  mirror: FolderMirror;
  coEditor: CoEditor;
}

let teardown: Teardown;
let stores: Corestore[];
let a: Device;
let b: Device;
let unlink: (() => void) | null = null;

async function device(store: Corestore, key: Buffer | null): Promise<Device> {
  const kb = new KnowledgeBase({ store, namespace: 'kb', key });
  await kb.ready();
  const dir = await teardown.dir('tzimtzum-coedit-');
  const synced = await SyncedVersions.open(path.join(await teardown.dir(), 'synced.json'), kb);
  const mirror = new FolderMirror({ kb, folder: new NodeFolder(dir), events: new NodeFolderWatcher(dir), baseline: synced, debounceMs: 30 });
  const coEditor = new CoEditor({ kb, mirror, synced, files: new FileWriter(dir) });
  teardown.add(async () => {
    await coEditor.close();
    await mirror.close();
    await synced.save();
    await kb.close();
  });
  await mirror.start();
  coEditor.start();
  return { kb, dir, mirror, coEditor };
}

const write = (d: Device, file: string, text: string) => fs.mkdir(path.dirname(path.join(d.dir, file)), { recursive: true }).then(() => fs.writeFile(path.join(d.dir, file), text));
const read = (d: Device, file: string) => fs.readFile(path.join(d.dir, file), 'utf8').catch(() => null);

async function folder(d: Device): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const file of new NodeFolder(d.dir).list()) if (!file.path.startsWith('.')) out[file.path] = (await read(d, file.path))!;
  return out;
}

async function converged(what: string): Promise<void> {
  await eventually(async () => {
    await a.kb.update();
    await b.kb.update();
    await a.mirror.flush();
    await b.mirror.flush();
    await a.coEditor.catchUp();
    await b.coEditor.catchUp();
    return JSON.stringify(await folder(a)) === JSON.stringify(await folder(b)) && a.kb.view.version === b.kb.view.version;
  }, what, 20_000);
}

beforeEach(async () => {
  teardown = new Teardown();
  stores = [await teardown.store(), await teardown.store()];
  a = await device(stores[0], null);
  b = await device(stores[1], a.kb.key);
  unlink = linkStores(stores[0], stores[1]);
  teardown.add(() => unlink?.());
  await a.kb.addWriter(b.kb.localWriterKey, { role: 'owner', name: 'laptop' });
  await eventually(async () => {
    await b.kb.update();
    return b.kb.writable;
  }, 'the second device becomes a writer');
});
afterEach(() => teardown.run());

describe('a folder shared by two writing devices', () => {
  it('brings a co-author\'s new note into the folder and does not publish it back', async () => {
    await write(a, 'notes/hello.md', 'hello\n');
    await eventually(async () => (await read(b, 'notes/hello.md')) === 'hello\n', 'the note in the second folder');
    await converged('both folders equal');
    const length = b.kb.base.local.length;
    await b.mirror.flush();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the watcher's echo of the write has fired
    await b.mirror.flush();
    expect(b.kb.base.local.length).toBe(length);
  });

  it('says when a co-author\'s note brings code that plugins run, and not when that code was already there', async () => {
    const written: { path: string; type: string; newCode?: boolean }[] = [];
    b.coEditor.on('written', (change) => written.push(change));
    const withCode = 'intro\n\n```dataviewjs\ndv.paragraph(1)\n```\n';
    await write(a, 'q.md', withCode);
    await eventually(async () => (await read(b, 'q.md')) === withCode, 'the note with code in the second folder');
    await write(a, 'q.md', `${withCode}more prose\n`);
    await eventually(async () => (await read(b, 'q.md')) === `${withCode}more prose\n`, 'the edit without new code');
    await write(a, 'plain.md', 'no code here\n');
    await eventually(async () => (await read(b, 'plain.md')) === 'no code here\n', 'a note without code');
    const puts = (file: string) => written.filter((change) => change.path === file && change.type === 'put').map((change) => change.newCode);
    expect(puts('q.md')).toEqual([true, false]);
    expect(puts('plain.md')).toEqual([false]);
    // The code reaches the folder as written: it is the folder's own text, published back as is.
    expect(await read(b, 'q.md')).toContain('```dataviewjs');
  });

  it('merges edits of different lines made on both devices while they were apart', async () => {
    await write(a, 'n.md', 'one\ntwo\nthree\n');
    await converged('the note on both devices');
    unlink!();
    await write(a, 'n.md', 'ONE\ntwo\nthree\n');
    await write(b, 'n.md', 'one\ntwo\nthree\nfour\n');
    await a.mirror.flush();
    await b.mirror.flush();
    await eventually(async () => (await b.kb.stat('n.md'))!.size === 19, 'the second device published its edit');
    unlink = linkStores(stores[0], stores[1]);
    await converged('merged on both devices');
    expect(await folder(a)).toEqual({ 'n.md': 'ONE\ntwo\nthree\nfour\n' });
  });

  it('keeps a note edited on one device while the other deleted it', async () => {
    await write(a, 'n.md', 'keep me\n');
    await converged('the note on both devices');
    unlink!();
    await fs.rm(path.join(a.dir, 'n.md'));
    await write(b, 'n.md', 'keep me\nand this\n');
    await a.mirror.flush();
    await b.mirror.flush();
    unlink = linkStores(stores[0], stores[1]);
    await converged('the edit on both devices');
    expect(await folder(a)).toEqual({ 'n.md': 'keep me\nand this\n' });
  });

  it('keeps both texts when both devices rewrote the same line', async () => {
    await write(a, 'n.md', 'draft\n');
    await converged('the note on both devices');
    unlink!();
    await write(a, 'n.md', 'desktop text\n');
    await write(b, 'n.md', 'laptop text\n');
    await a.mirror.flush();
    await b.mirror.flush();
    unlink = linkStores(stores[0], stores[1]);
    await converged('both texts on both devices');
    const files = await folder(b);
    expect(Object.keys(files)).toHaveLength(2);
    expect(new Set(Object.values(files))).toEqual(new Set(['desktop text\n', 'laptop text\n']));
    expect(Object.keys(files).find((file) => file !== 'n.md')).toMatch(/^n \(conflict .+ \d{4}-\d\d-\d\d\)\.md$/);
  });
});
