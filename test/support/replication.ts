// In-process replication between two stores over real Corestore streams: a link that tests cut and
// restore to make partitions, without the DHT.
import type Corestore from 'corestore';

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
