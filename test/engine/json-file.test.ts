// Small state files in the data folder: replaced whole and atomically.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFile } from '../../src/engine/json-file';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

describe('JsonFile', () => {
  it('reads null before the first write, then the last of several writes made at once', async () => {
    const file = new JsonFile(path.join(await teardown.dir('tzimtzum-json-'), 'nested', 'state.json'));
    expect(await file.read()).toBeNull();
    await Promise.all([1, 2, 3].map((n) => file.write({ n })));
    expect(await file.read()).toEqual({ n: 3 });
    // No temp file is left beside it, and only its owner may read it.
    expect(await fs.readdir(path.dirname(file.file))).toEqual(['state.json']);
    expect((await fs.stat(file.file)).mode & 0o777).toBe(0o600);
  });

  it('throws on a damaged file instead of reading it as empty', async () => {
    const file = new JsonFile(path.join(await teardown.dir('tzimtzum-json-'), 'state.json'));
    await fs.writeFile(file.file, '{"files": [');
    await expect(file.read()).rejects.toThrow(SyntaxError);
  });
});
