import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { templaterWarning } from '../../src/plugin/templater-check';
import { createTestApp } from '../harness/obsidian/test-app.js';
import { Teardown } from '../support/temp';

let teardown: Teardown;
beforeEach(() => { teardown = new Teardown(); });
afterEach(() => teardown.run());

async function vaultWithTemplater(configDir: string, data: Record<string, unknown> | null) {
  const vaultDir = await teardown.dir('tzimtzum-templater-');
  await mkdir(path.join(vaultDir, configDir, 'plugins', 'templater-obsidian'), { recursive: true });
  await writeFile(path.join(vaultDir, configDir, 'community-plugins.json'), JSON.stringify(data ? ['templater-obsidian'] : []));
  if (data) await writeFile(path.join(vaultDir, configDir, 'plugins', 'templater-obsidian', 'data.json'), JSON.stringify(data));
  return (await createTestApp({ vaultDir, configDir })).app;
}

describe('the Templater warning', () => {
  it('warns when Templater runs on new files and the mount root is not ignored', async () => {
    const app = await vaultWithTemplater('.config', { trigger_on_file_creation: true, ignore_folders_on_creation: [{ folder: 'Templates' }] });
    expect(await templaterWarning(app as never, 'Knowledge bases')).toMatch(/Knowledge bases/);
  });

  it('stays quiet when the mount root is inside an ignored folder', async () => {
    const app = await vaultWithTemplater('.obsidian', { trigger_on_file_creation: true, ignore_folders_on_creation: [{ folder: 'Knowledge bases' }] });
    expect(await templaterWarning(app as never, 'Knowledge bases/Sub')).toBeNull();
  });

  it('stays quiet when Templater does not trigger on new files or is not enabled', async () => {
    expect(await templaterWarning((await vaultWithTemplater('.obsidian', { trigger_on_file_creation: false })) as never, 'Knowledge bases')).toBeNull();
    expect(await templaterWarning((await vaultWithTemplater('.obsidian', null)) as never, 'Knowledge bases')).toBeNull();
  });
});
