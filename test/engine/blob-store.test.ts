// Reading other writers' blob cores.
import { afterEach, expect, it } from 'vitest';
import { authorAndReplica } from '../support/replication';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

it('keeps at least 128 block requests in flight per peer on a writer\'s blob core, where Hypercore keeps 16 on a fast link', async () => {
  const { author, replica } = await authorAndReplica(teardown, 'inflight');
  const [entry] = await author.putFiles([{ path: 'a.md', bytes: Buffer.from('bytes'), mtime: 0 }]);
  await replica.blobs.download(entry.blob!);
  const [core] = replica.blobs.cores();
  const { replicator } = core as unknown as { replicator: { inflightRange: [number, number] } };
  expect(replicator.inflightRange[0]).toBeGreaterThanOrEqual(128);
});
