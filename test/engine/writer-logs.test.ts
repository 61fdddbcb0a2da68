// A reader keeps a writer's log complete as background work: the history waits while updates arrive, comes
// in once the knowledge base is quiet, and the tail stays complete afterwards.
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { keepLogComplete, QUIET_MS } from '../../src/engine/writer-logs';
import { Teardown } from '../support/temp';
import { eventually } from '../support/network';
import { linkStores } from '../support/replication';

let teardown: Teardown;

beforeEach(() => {
  teardown = new Teardown();
});
afterEach(() => teardown.run());

it('waits for a quiet moment before fetching the history, then keeps the log complete', async () => {
  const writerStore = await teardown.store();
  const log = writerStore.get({ name: 'log' });
  await log.ready();
  await log.append(Array.from({ length: 3000 }, (_, i) => Buffer.from(`op ${i}`)));
  const readerStore = await teardown.store();
  teardown.add(linkStores(writerStore, readerStore));
  const copy = readerStore.get({ key: log.key! });
  teardown.add(() => copy.close());
  await copy.ready();
  await copy.update({ wait: true });
  expect(copy.length).toBe(3000);

  const updates = new EventEmitter();
  const busy = setInterval(() => updates.emit('update'), QUIET_MS / 5);
  teardown.add(() => clearInterval(busy));
  keepLogComplete(copy, updates);
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS * 1.5));
  expect(copy.contiguousLength).toBe(0); // updates kept arriving: nothing fetched yet

  clearInterval(busy);
  await eventually(() => copy.contiguousLength === 3000, 'the whole history, once quiet', 15_000);
  await log.append(Buffer.from('a later op'));
  await eventually(() => copy.contiguousLength === 3001, 'the later op too', 10_000);
});
