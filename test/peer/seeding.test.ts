// A seeder keeps a complete replica: every file's bytes at first, then each change as it lands, without
// going over the whole knowledge base again on every update.
import { afterEach, expect, it, vi } from 'vitest';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { keepReplicaComplete } from '../../src/peer/seeding';
import { linkStores, holdsWithin } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

const note = (path: string, text: string) => ({ path, bytes: Buffer.from(text), mtime: 0 });

async function complete(replica: KnowledgeBase, author: KnowledgeBase): Promise<boolean> {
  if (replica.version < author.version) return false;
  for await (const entry of author.files()) if (!(await replica.blobs.has(entry.blob!))) return false;
  return true;
}

it('downloads everything once, then only what each update changed', async () => {
  const authorStore = await teardown.store();
  const seederStore = await teardown.store();
  const author = new KnowledgeBase({ store: authorStore, namespace: 'kb/seeded' });
  await author.ready();
  teardown.add(() => author.close());
  await author.putFiles(Array.from({ length: 30 }, (_, i) => note(`n${i}.md`, `# note ${i}`)));
  const seeder = new KnowledgeBase({ store: seederStore, namespace: 'kb/seeder', key: author.key });
  await seeder.ready();
  teardown.add(() => seeder.close());
  teardown.add(linkStores(authorStore, seederStore));
  const listings = vi.spyOn(seeder, 'files');

  keepReplicaComplete(seeder);
  const updates = setInterval(() => void seeder.update().catch(() => undefined), 50);
  teardown.add(() => clearInterval(updates));
  expect(await holdsWithin(10_000, () => complete(seeder, author))).toBe(true);
  const listingsAtFirstPass = listings.mock.calls.length;
  expect(listingsAtFirstPass).toBeGreaterThan(0);

  for (let i = 0; i < 3; i++) await author.putFiles([note(`live-${i}.md`, `# live ${i}`)]);
  await author.putFiles([note('n0.md', '# note 0, edited')]);
  expect(await holdsWithin(10_000, () => complete(seeder, author))).toBe(true);
  expect(listings.mock.calls.length).toBe(listingsAtFirstPass);
});
