// How a device's store keeps its cores on disk. Every store the product opens goes through here, so
// the memory it costs is decided in one place.
import Hypercore, { type StoreStorage } from 'hypercore';

/**
 * RocksDB buffers writes in memtables of this size (two may be live) before flushing them to disk. The
 * default of 64 MiB let a 10,000-note import hold ~100 MiB of native memory; 8 MiB cost no time there:
 * flushes are sequential writes the background threads do anyway, only more often.
 */
export const STORE_WRITE_BUFFER_BYTES = 8 * 1024 * 1024;

/** The storage for a Corestore in `dir`: `new Corestore(storeStorage(dir), opts)`. The store closes it. */
export function storeStorage(dir: string): StoreStorage {
  return Hypercore.defaultStorage(dir, { writeBufferSize: STORE_WRITE_BUFFER_BYTES });
}
