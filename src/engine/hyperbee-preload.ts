// `bee.get(key, { preload: false })`: a lookup that downloads only the blocks on its path.
//
// On a sparse core, Hyperbee 2.27 starts a download of every key and child of each B-tree node it visits
// (`TreeNode.preload`). That is what makes a walk over many nodes (a listing, a diff) parallel. A single
// lookup needs one path, though, and the lookup extension already names that path's blocks (`view-tree.ts`).
// With preloading, a fresh reader's first note fetched ~2.5× the blocks: 30 KiB instead of 18, and its
// local reads queued behind the writes of blocks it never used (the first note took ~110 ms instead of ~85).
//
// Hyperbee has no option for this, so this module adds one. `TreeNode` is not exported; its prototype is
// reached through a batch without any I/O, once per process. `view-tree.test.ts` fails if an update of
// Hyperbee changes what this relies on; until then an unknown layout leaves preloading as it is.
import type Hyperbee from 'hyperbee';

interface PreloadingNode {
  block: { tree?: { options?: { preload?: boolean } } } | null;
  preload: (this: PreloadingNode) => void;
}

let patched: Promise<boolean> | null = null;

/** Makes Hyperbee honour `preload: false` in a read's options; resolves to whether it could. */
export function honourPreloadOption(bee: Hyperbee): Promise<boolean> {
  patched ??= treeNodePrototype(bee).then((prototype) => {
    if (!prototype || typeof prototype.preload !== 'function') return false;
    const { preload } = prototype;
    prototype.preload = function (this: PreloadingNode) {
      // `block.tree` is the batch the node was read through; its options are the read's.
      if (this.block?.tree?.options?.preload === false) return;
      preload.call(this);
    };
    return true;
  }).catch(() => false);
  return patched;
}

/**
 * Hyperbee's TreeNode prototype, from a node made by a probe that shares a batch's prototype: the probe
 * "reads" block 0 from a stub instead of the core, and the node it yields has no keys or children.
 */
async function treeNodePrototype(bee: Hyperbee): Promise<PreloadingNode | null> {
  const batch = bee.batch();
  try {
    const probe = Object.assign(Object.create(Object.getPrototypeOf(batch) as object) as object, {
      blocks: null,
      core: {},
      onseq: () => undefined,
      _getNode: () => Promise.resolve({ key: null, value: null, index: null }),
    }) as { _getBlock?: (seq: number) => Promise<{ index: unknown; getTreeNode?: (offset: number) => PreloadingNode }> };
    if (typeof probe._getBlock !== 'function') return null;
    const block = await probe._getBlock(0);
    if (typeof block.getTreeNode !== 'function') return null;
    block.index = { get: () => ({ keys: [], children: [] }) };
    return Object.getPrototypeOf(block.getTreeNode(0)) as PreloadingNode;
  } finally {
    await batch.close();
  }
}
