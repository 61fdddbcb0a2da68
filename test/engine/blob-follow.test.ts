// A full replica follows the writers' blob cores: what a writer appends from then on is downloaded as soon
// as it is announced, without anyone reading it; what came before is fetched only when read.
import { afterEach, expect, it } from 'vitest';
import { KnowledgeBase, type FileEntry } from '../../src/engine/knowledge-base';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

const note = (path: string, text: string) => ({ path, bytes: Buffer.from(text), mtime: 0 });

async function authorAndReplica() {
  const authorStore = await teardown.store();
  const replicaStore = await teardown.store();
  const author = new KnowledgeBase({ store: authorStore, namespace: 'kb/follow' });
  await author.ready();
  teardown.add(() => author.close());
  const replica = new KnowledgeBase({ store: replicaStore, namespace: 'kb/follow-replica', key: author.key });
  await replica.ready();
  teardown.add(() => replica.close());
  teardown.add(linkStores(authorStore, replicaStore));
  return { author, replica };
}

/** Polls `check` every 20 ms for at most `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 20) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

it('downloads new blobs as they are appended, and not the history before the first read', async () => {
  const { author, replica } = await authorAndReplica();
  const [old] = await author.putFiles([note('old.md', 'history nobody asked for')]);
  const [first] = await author.putFiles([note('first.md', 'read once to learn the length')]);
  replica.blobs.followAppends();
  expect((await replica.blobs.get(first.blob!)).toString()).toBe('read once to learn the length');

  const [fresh] = await author.putFiles([note('fresh.md', 'arrives by itself')]);
  expect(await within(5000, () => replica.blobs.has(fresh.blob!))).toBe(true);
  expect(await replica.blobs.has(old.blob!)).toBe(false);
});

it('stops downloading when asked to', async () => {
  const { author, replica } = await authorAndReplica();
  const [first] = await author.putFiles([note('first.md', 'one')]);
  replica.blobs.followAppends();
  await replica.blobs.get(first.blob!);
  replica.blobs.stopFollowingAppends();

  const [later]: FileEntry[] = await author.putFiles([note('later.md', 'not followed')]);
  // Give replication every chance to (wrongly) fetch it.
  expect(await within(500, () => replica.blobs.has(later.blob!))).toBe(false);
});
