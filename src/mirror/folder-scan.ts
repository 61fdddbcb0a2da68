// The first half of a reconciliation: which files of a folder may differ from what the mirror knows, and
// which known files are gone. No file is read here: equal size and mtime mean unchanged, anything else is
// read and hashed by the caller.
import type { FileEntry } from '../engine/knowledge-base';
import type { FolderFile, FolderReader } from './folder-source';
import type { IgnoreRules } from './ignore-rules';

/** How often (in files listed) a scan reports its progress. */
const PROGRESS_EVERY = 500;

export interface FolderScan {
  /** Files listed, ignored ones left out. */
  scanned: number;
  /** Files whose size and mtime match what is known. */
  unchanged: number;
  /** Files to read and compare: new, or different in size or mtime. */
  candidates: FolderFile[];
  /** Known files no longer in the folder, by content hash (hex), so a new file with those bytes is a rename. */
  missingByHash: Map<string, string[]>;
  /** Known files no longer in the folder. */
  missing: string[];
}

/** Compare a folder's listing with the `known` versions; `onProgress` gets the count of files listed so far. */
export async function scanFolder(folder: FolderReader, rules: IgnoreRules, known: ReadonlyMap<string, FileEntry>, onProgress: (scanned: number) => void): Promise<FolderScan> {
  const seen = new Set<string>();
  const candidates: FolderFile[] = [];
  let unchanged = 0;
  for await (const file of folder.list()) {
    if (rules.ignores(file.path)) continue;
    seen.add(file.path);
    const entry = known.get(file.path);
    if (entry && entry.size === file.size && entry.mtime === Math.floor(file.mtime)) unchanged++;
    else candidates.push(file);
    if (seen.size % PROGRESS_EVERY === 0) onProgress(seen.size);
  }
  const missing = [...known.keys()].filter((path) => !seen.has(path));
  const missingByHash = new Map<string, string[]>();
  for (const path of missing) {
    const hash = known.get(path)!.hash.toString('hex');
    const paths = missingByHash.get(hash);
    if (paths) paths.push(path);
    else missingByHash.set(hash, [path]);
  }
  return { scanned: seen.size, unchanged, candidates, missingByHash, missing };
}
