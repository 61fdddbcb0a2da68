// The writers' published devices on a replica: re-read once per burst of updates, a little later (a fresh
// reader's first read must not queue behind that walk of the B-tree), yet always current when asked for.
import { afterEach, expect, it } from 'vitest';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import { DEVICES_REFRESH_DELAY_MS } from '../../src/engine/writer-devices';
import { authorAndReplica, linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function caughtUp(replica: KnowledgeBase, author: KnowledgeBase): Promise<void> {
  for (let i = 0; i < 200 && replica.version < author.version; i++) {
    await replica.update();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(replica.version).toBe(author.version);
}

it('answers signingKeys() from the current view, without waiting for the delayed re-read', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'devices');
  await author.putFiles([{ path: 'a.md', bytes: Buffer.from('# A'), mtime: 0 }]);
  const signingKey = Buffer.alloc(32, 7);
  await author.announcePeer(Buffer.alloc(32, 1), signingKey);
  await caughtUp(replica, author);

  const started = Date.now();
  expect(await replica.signingKeys()).toEqual([signingKey]);
  expect(Date.now() - started).toBeLessThan(DEVICES_REFRESH_DELAY_MS);
  expect(replica.pinnedPeers()).toEqual([Buffer.alloc(32, 1)]);
});

it('re-reads once for a burst of updates and reports a change with one "devices" event', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'devices');
  await author.putFiles([{ path: 'a.md', bytes: Buffer.from('# A'), mtime: 0 }]);
  await caughtUp(replica, author);
  let events = 0;
  replica.on('devices', () => events++);

  await author.announcePeer(Buffer.alloc(32, 1), Buffer.alloc(32, 2));
  for (let i = 0; i < 5; i++) await author.putFiles([{ path: `burst-${i}.md`, bytes: Buffer.from(`# ${i}`), mtime: 0 }]);
  await caughtUp(replica, author);

  for (let i = 0; i < 100 && events === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(events).toBe(1);
  expect(replica.pinnedPeers()).toEqual([Buffer.alloc(32, 1)]);

  // Updates that leave the devices alone re-read them but report nothing.
  await author.putFiles([{ path: 'later.md', bytes: Buffer.from('# later'), mtime: 0 }]);
  await caughtUp(replica, author);
  await new Promise((resolve) => setTimeout(resolve, DEVICES_REFRESH_DELAY_MS + 200));
  expect(events).toBe(1);
});

it('opens a sparse replica offline without waiting for the devices it does not hold', async () => {
  const authorStore = await teardown.store();
  const author = new KnowledgeBase({ store: authorStore, namespace: 'kb/offline' });
  await author.ready();
  teardown.add(() => author.close());
  await author.putFiles(Array.from({ length: 2000 }, (_, i) => ({ path: `d${i % 20}/note ${i}.md`, bytes: Buffer.from(`note ${i}`), mtime: 0 })));
  await author.announcePeer(Buffer.alloc(32, 1), Buffer.alloc(32, 2));

  // A lazy reader jumps to the signed view, reads one note, and quits before re-reading the devices.
  const readerStore = await teardown.store();
  const unlink = linkStores(authorStore, readerStore);
  const first = new KnowledgeBase({ store: readerStore, namespace: 'kb/offline', key: author.key, systemKey: author.systemKey });
  await first.ready();
  let entry = null;
  for (let i = 0; i < 200 && !entry; i++) {
    await first.update();
    entry = await first.stat('d3/note 3.md', { wait: false }).catch(() => null);
    if (!entry) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(entry).not.toBeNull();
  await first.close();
  unlink();

  const started = Date.now();
  const reopened = new KnowledgeBase({ store: readerStore, namespace: 'kb/offline', key: author.key });
  await reopened.ready();
  teardown.add(() => reopened.close());
  // A peer read would have waited for its 5 s timeout.
  expect(Date.now() - started).toBeLessThan(2500);
  expect(reopened.version).toBeGreaterThan(1);
});
