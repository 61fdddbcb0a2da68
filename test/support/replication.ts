// In-process replication between two stores over real Corestore streams: a link that tests cut and
// restore to make partitions, without the DHT.
import type Corestore from 'corestore';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import type { Teardown } from './temp';

/** Connect two stores; the returned function disconnects them. */
export function linkStores(a: Corestore, b: Corestore): () => void {
  const left = a.replicate(true);
  const right = b.replicate(false);
  left.pipe(right).pipe(left);
  const ignore = () => undefined; // a destroyed link errors on both ends; that is the point of cutting it
  left.on('error', ignore);
  right.on('error', ignore);
  return () => {
    left.destroy();
    right.destroy();
  };
}

/** A knowledge base and a replica of it in another store, linked; both closed by `teardown`. */
export async function authorAndReplica(teardown: Teardown, name: string): Promise<{ author: KnowledgeBase; replica: KnowledgeBase; authorStore: Corestore; replicaStore: Corestore }> {
  const authorStore = await teardown.store();
  const replicaStore = await teardown.store();
  const author = new KnowledgeBase({ store: authorStore, namespace: `kb/${name}` });
  await author.ready();
  teardown.add(() => author.close());
  const replica = new KnowledgeBase({ store: replicaStore, namespace: `kb/${name}-replica`, key: author.key });
  await replica.ready();
  teardown.add(() => replica.close());
  teardown.add(linkStores(authorStore, replicaStore));
  return { author, replica, authorStore, replicaStore };
}

/** Whether `check` holds within `ms` (polled every 20 ms); false, not a throw, so tests can also assert absence. */
export async function holdsWithin(ms: number, check: () => Promise<boolean> | boolean): Promise<boolean> {
  for (let waited = 0; waited <= ms; waited += 20) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
