// The change feed between two versions of a view: what mounts, seeders and the co-editor apply. A few new
// blocks are read from the log, a long stretch by diffing the trees; either way the answer is the
// difference between the two states, checked here against a model of the files.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import type { FileEntry } from '../../src/engine/knowledge-base-types';
import { seededRandom, Teardown, testSeed } from '../support/temp';

let teardown: Teardown;
let store: Corestore;

beforeEach(async () => {
  teardown = new Teardown();
  store = await teardown.store();
});
afterEach(() => teardown.run());

async function openKb(): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({ store, namespace: 'kb/changes' });
  await kb.ready();
  teardown.add(() => kb.close());
  return kb;
}

const note = (path: string, text: string) => ({ path, bytes: Buffer.from(text), mtime: 1_700_000_000_000 });

/** Files as a model: path → text. */
type Model = Map<string, string>;

/**
 * What a change feed must report between two states of the model, in the view's order; and the puts it may
 * report besides, for files holding the same text at both versions (moved away and back, say), which
 * readers skip by hash.
 */
function expectedChanges(before: Model, now: Model): { required: string[]; allowed: Set<string> } {
  const paths = [...new Set([...before.keys(), ...now.keys()])].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const required: string[] = [];
  const allowed = new Set<string>();
  for (const path of paths) {
    const was = before.get(path);
    const is = now.get(path);
    if (is !== undefined && is !== was) required.push(`put ${path} ${is}`);
    else if (is === undefined && was !== undefined) required.push(`delete ${path} ${was}`);
    else if (is !== undefined) allowed.add(`put ${path} ${is}`);
  }
  return { required, allowed };
}

/** The feed's report against the model: every required change, in order, and nothing else but allowed puts. */
async function expectChanges(kb: KnowledgeBase, since: number, before: Model, now: Model): Promise<void> {
  const { required, allowed } = expectedChanges(before, now);
  const reported = await reportedChanges(kb, since);
  expect(reported.filter((change) => !allowed.has(change))).toEqual(required);
}

async function reportedChanges(kb: KnowledgeBase, since: number): Promise<string[]> {
  const changes: string[] = [];
  const text = async (entry: FileEntry) => (await kb.read(entry)).toString();
  for await (const change of kb.changes(since)) {
    if (change.type === 'put') changes.push(`put ${change.path} ${await text(change.entry)}`);
    else changes.push(`delete ${change.path} ${await text(change.previous).catch(() => '?')}`);
  }
  return changes;
}

/** Random puts, deletions and renames over a few paths, applied to the knowledge base and the model. */
async function randomEdits(kb: KnowledgeBase, model: Model, random: () => number, count: number): Promise<void> {
  const paths = ['a.md', 'b.md', 'c/d.md', 'c/e.md', 'é.md', 'e\u0301x.md', 'z/😀.md', 'Z.md'];
  const pick = () => paths[Math.floor(random() * paths.length)];
  for (let i = 0; i < count; i++) {
    const path = pick();
    const roll = random();
    if (roll < 0.55 || !model.has(path)) {
      const text = `${path} #${i}`;
      await kb.putFiles([note(path, text)]);
      model.set(path, text);
    } else if (roll < 0.8) {
      await kb.deleteFiles([{ path }]);
      model.delete(path);
    } else {
      // Onto a free path: what a rename over an existing file means is not this test's subject.
      const to = pick();
      if (model.has(to)) continue;
      await kb.rename(path, to);
      model.set(to, model.get(path)!);
      model.delete(path);
    }
  }
}

describe('changes since a version', () => {
  it('reports the difference of the two states, not the history between them (read from the log)', async () => {
    const kb = await openKb();
    await kb.putFiles([note('kept.md', 'k'), note('edited.md', 'v1'), note('gone.md', 'g'), note('flip.md', 'f')]);
    const since = kb.version;
    await kb.putFiles([note('edited.md', 'v2')]);
    await kb.putFiles([note('edited.md', 'v3')]);
    await kb.putFiles([note('brief.md', 'here and gone')]);
    await kb.deleteFiles([{ path: 'brief.md' }, { path: 'gone.md' }, { path: 'flip.md' }]);
    await kb.putFiles([note('flip.md', 'f')]);
    expect(await reportedChanges(kb, since)).toEqual(['put edited.md v3', 'put flip.md f', 'delete gone.md g']);
    expect(await reportedChanges(kb, kb.version)).toEqual([]);
  });

  it('matches a model of the files after random edits, over a few blocks and over many', async () => {
    const seed = testSeed('view changes');
    const random = seededRandom(seed);
    const kb = await openKb();
    const model: Model = new Map();
    await randomEdits(kb, model, random, 10);
    const first = { version: kb.version, model: new Map(model) };
    await randomEdits(kb, model, random, 40);
    // A few dozen blocks since `first`: read from the log.
    expect(kb.version - first.version).toBeLessThan(200);
    await expectChanges(kb, first.version, first.model, model);

    const second = { version: kb.version, model: new Map(model) };
    // Well over a thousand blocks since `second`: the trees are diffed. Many files per append keeps this quick.
    const bulk = Array.from({ length: 1200 }, (_, i) => note(`bulk/${String(i).padStart(4, '0')}.md`, `bulk ${i}`));
    await kb.putFiles(bulk);
    for (const file of bulk) model.set(file.path, file.bytes.toString());
    await randomEdits(kb, model, random, 20);
    expect(kb.version - second.version).toBeGreaterThan(1000);
    await expectChanges(kb, second.version, second.model, model);
    await expectChanges(kb, first.version, first.model, model);
  });

  it('ignores the knowledge base’s own records', async () => {
    const kb = await openKb();
    const since = kb.version;
    await kb.setMeta({ title: 'Title', description: 'About', author: 'Ada' });
    await kb.putFiles([note('only.md', 'o')]);
    expect(await reportedChanges(kb, since)).toEqual(['put only.md o']);
  });
});
