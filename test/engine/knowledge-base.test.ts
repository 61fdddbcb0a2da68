import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KnowledgeBase, KnowledgeBaseError } from '../../src/engine/knowledge-base';
import { contentHash } from '../../src/engine/content-hash';
import { encodeOp, SCHEMA_VERSION } from '../../src/engine/schema';
import { Teardown } from '../support/temp';
import type Corestore from 'corestore';

let teardown: Teardown;
let store: Corestore;

async function openKb(namespace = 'kb/test', key?: Buffer): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({ store, namespace, key });
  await kb.ready();
  teardown.add(() => kb.close());
  return kb;
}

const note = (path: string, text: string, mtime = 1_700_000_000_000) => ({ path, bytes: Buffer.from(text), mtime });

beforeEach(async () => {
  teardown = new Teardown();
  store = await teardown.store();
});
afterEach(() => teardown.run());

describe('KnowledgeBase', () => {
  it('keeps one stable key, shown as z-base-32, across reopen', async () => {
    const dir = await teardown.dir();
    const first = new Teardown();
    const store1 = await first.store(dir);
    const kb1 = new KnowledgeBase({ store: store1, namespace: 'kb/a' });
    await kb1.ready();
    await kb1.putFiles([note('a.md', 'alpha')]);
    const id = kb1.id;
    await kb1.close();
    await first.run();

    const store2 = await teardown.store(dir);
    const kb2 = new KnowledgeBase({ store: store2, namespace: 'kb/a' });
    await kb2.ready();
    teardown.add(() => kb2.close());
    expect(kb2.id).toBe(id);
    expect(id).toMatch(/^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/);
    expect((await kb2.read('a.md')).toString()).toBe('alpha');
  });

  it('gives each namespace its own knowledge base', async () => {
    const a = await openKb('kb/a');
    const b = await openKb('kb/b');
    expect(a.id).not.toBe(b.id);
  });

  it('stores files with hash, size, mtime and kind, and reads back the exact bytes', async () => {
    const kb = await openKb();
    const picture = Buffer.alloc(300_000, 7);
    await kb.putFiles([note('Notes/One.md', '# One'), { path: 'img/p.png', bytes: picture, mtime: 5 }]);
    const one = await kb.stat('Notes/One.md');
    expect(one).toMatchObject({ path: 'Notes/One.md', size: 5, mtime: 1_700_000_000_000, kind: 'note' });
    expect(one!.hash.equals(contentHash(Buffer.from('# One')))).toBe(true);
    const pic = await kb.stat('img/p.png');
    expect(pic).toMatchObject({ kind: 'attachment', size: 300_000 });
    expect(pic!.blob!.blockLength).toBe(5); // 64 KiB blocks: outside the B-tree, never inline
    expect((await kb.read('img/p.png')).equals(picture)).toBe(true);
  });

  it('lists by prefix in pages', async () => {
    const kb = await openKb();
    await kb.putFiles(Array.from({ length: 25 }, (_, i) => note(`dir/n${String(i).padStart(2, '0')}.md`, `n${i}`)));
    await kb.putFiles([note('other.md', 'x'), note('dirt.md', 'not in dir/')]);
    const first = await kb.list({ prefix: 'dir/', limit: 10 });
    expect(first.entries.map((e) => e.path)).toEqual(Array.from({ length: 10 }, (_, i) => `dir/n${String(i).padStart(2, '0')}.md`));
    const second = await kb.list({ prefix: 'dir/', limit: 10, after: first.next! });
    const third = await kb.list({ prefix: 'dir/', limit: 10, after: second.next! });
    expect(second.entries[0].path).toBe('dir/n10.md');
    expect(third.entries).toHaveLength(5);
    expect(third.next).toBeNull();
  });

  it('renames a file and a whole folder, and deletes', async () => {
    const kb = await openKb();
    await kb.putFiles([note('a/x.md', 'x'), note('a/sub/y.md', 'y'), note('ab.md', 'sibling'), note('z.md', 'z')]);
    await kb.rename('z.md', 'zz.md');
    await kb.rename('a', 'b', { folder: true });
    await kb.deleteFiles([{ path: 'ab.md' }]);
    const paths = (await kb.list()).entries.map((e) => e.path);
    expect(paths).toEqual(['b/sub/y.md', 'b/x.md', 'zz.md']);
    expect((await kb.read('b/sub/y.md')).toString()).toBe('y');
  });

  it('reports everything that changed since a version', async () => {
    const kb = await openKb();
    await kb.putFiles([note('keep.md', 'k'), note('edit.md', 'v1'), note('gone.md', 'g')]);
    const since = kb.version;
    await kb.putFiles([note('edit.md', 'v2'), note('new.md', 'n')]);
    await kb.deleteFiles([{ path: 'gone.md' }]);
    const changes = [];
    for await (const change of kb.changes(since)) changes.push(`${change.type} ${change.path}`);
    expect(changes.sort()).toEqual(['delete gone.md', 'put edit.md', 'put new.md']);
  });

  it('refuses a file over the size cap with a message that says what to do', async () => {
    const kb = new KnowledgeBase({ store, namespace: 'kb/small', maxFileBytes: 10 });
    await kb.ready();
    teardown.add(() => kb.close());
    await expect(kb.putFiles([note('big.md', 'more than ten bytes')])).rejects.toThrow(/over the 10 B limit/);
  });

  it('rejects bytes that do not match the recorded hash', async () => {
    const kb = await openKb();
    const [blob] = await kb.blobs.putMany([Buffer.from('real bytes')]);
    await kb.appendOps([{ type: 'put', path: 'forged.md', hash: Buffer.alloc(32, 1), size: 10, mtime: 0, kind: 'note', blob, base: null }]);
    const err = await kb.read('forged.md').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KnowledgeBaseError);
    expect((err as KnowledgeBaseError).code).toBe('integrity');
  });

  it('stops with "upgrade needed" on an op from a newer schema, without applying it', async () => {
    const kb = await openKb();
    await kb.putFiles([note('a.md', 'a')]);
    const upgrade = new Promise<string>((resolve) => kb.once('upgrade-needed', resolve));
    const newer = encodeOp({ type: 'delete', path: 'a.md', base: null });
    newer[0] = SCHEMA_VERSION + 1;
    await kb.appendRaw([newer]).catch(() => undefined);
    expect(await upgrade).toMatch(/Update Tzimtzum/);
    expect(kb.upgradeNeeded).toMatch(/newer than this Tzimtzum/);
    expect(await kb.stat('a.md', { wait: false })).not.toBeNull();
    await expect(kb.putFiles([note('b.md', 'b')])).rejects.toMatchObject({ code: 'upgrade-needed' });
  });
});
