// Reading whole folders in tests: every file's bytes by relative path.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Every file under `dir` (hidden ones left out), as base64 by '/'-separated relative path. */
export async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string) => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
      if (entry.name.startsWith('.')) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out[child] = (await readFile(path.join(dir, child))).toString('base64');
    }
  };
  await walk('');
  return out;
}

/** Whether two folders hold the same files with the same bytes. */
export async function sameTree(a: string, b: string): Promise<boolean> {
  const [left, right] = [await tree(a), await tree(b)];
  return Object.keys(left).length === Object.keys(right).length && Object.entries(left).every(([k, v]) => right[k] === v);
}
