import Corestore from 'corestore';
import { afterEach, describe, expect, it } from 'vitest';
import { STORE_WRITE_BUFFER_BYTES, storeStorage } from '../../src/engine/store-storage';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function openStore(dir: string): Promise<Corestore> {
  const store = new Corestore(storeStorage(dir));
  teardown.add(() => store.close());
  await store.ready();
  return store;
}

describe('storeStorage', () => {
  it('keeps what a store wrote after the store is closed and its folder opened again', async () => {
    const dir = await teardown.dir('tzimtzum-store-storage-');
    const first = await openStore(dir);
    const written = first.get({ name: 'notes' });
    await written.append([Buffer.from('first block'), Buffer.from('second block')]);
    const key = written.key!;
    // Closing the store closes the storage it was given, which releases the folder for the next opener.
    await first.close();

    const second = await openStore(dir);
    const read = second.get({ key });
    await read.ready();
    expect(read.length).toBe(2);
    expect((await read.get(1))?.toString()).toBe('second block');
  });

  it('buffers writes in memtables of 8 MiB rather than RocksDB’s default 64 MiB', async () => {
    const storage = storeStorage(await teardown.dir('tzimtzum-store-storage-'));
    teardown.add(() => storage.close());
    // No public accessor: the column family the cores are written to keeps the options it was made with.
    const columnFamily = (storage as unknown as { db: { defaultColumnFamily: { _options: { writeBufferSize: number } } } }).db.defaultColumnFamily;
    expect(STORE_WRITE_BUFFER_BYTES).toBe(8 * 1024 * 1024);
    expect(columnFamily._options.writeBufferSize).toBe(STORE_WRITE_BUFFER_BYTES);
  });
});
