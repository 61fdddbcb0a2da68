// A full replica follows the writers' blob cores: what a writer appends from then on is downloaded as soon
// as it is announced, without anyone reading it; what came before is fetched only when read.
import { afterEach, expect, it } from 'vitest';
import type { FileEntry } from '../../src/engine/knowledge-base';
import { authorAndReplica, holdsWithin } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

const note = (path: string, text: string) => ({ path, bytes: Buffer.from(text), mtime: 0 });

it('downloads new blobs as they are appended, and not the history before the first read', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'follow');
  const [old] = await author.putFiles([note('old.md', 'history nobody asked for')]);
  const [first] = await author.putFiles([note('first.md', 'read once to learn the length')]);
  replica.blobs.followAppends();
  expect((await replica.blobs.get(first.blob!)).toString()).toBe('read once to learn the length');

  const [fresh] = await author.putFiles([note('fresh.md', 'arrives by itself')]);
  expect(await holdsWithin(5000, () => replica.blobs.has(fresh.blob!))).toBe(true);
  expect(await replica.blobs.has(old.blob!)).toBe(false);
});

it('starts following a core after a range download too (as seeders and full syncs fetch)', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'follow-download');
  const [first] = await author.putFiles([note('first.md', 'fetched in a range')]);
  replica.blobs.followAppends();
  await replica.blobs.downloadMany([first.blob!]);

  const [fresh] = await author.putFiles([note('fresh.md', 'arrives by itself')]);
  expect(await holdsWithin(5000, () => replica.blobs.has(fresh.blob!))).toBe(true);
});

it('stops downloading when asked to', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'follow');
  const [first] = await author.putFiles([note('first.md', 'one')]);
  replica.blobs.followAppends();
  await replica.blobs.get(first.blob!);
  replica.blobs.stopFollowingAppends();

  const [later]: FileEntry[] = await author.putFiles([note('later.md', 'not followed')]);
  // Give replication every chance to (wrongly) fetch it.
  expect(await holdsWithin(500, () => replica.blobs.has(later.blob!))).toBe(false);
});
