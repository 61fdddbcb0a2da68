// The `tzimtzum` command as a user runs it: separate processes, a local DHT, real folders.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { formatBootstrap } from '../../src/net/dht-settings';
import { Teardown } from '../support/temp';
import { eventually, localTestnet } from '../support/network';
import { run, serve as serveIn } from './cli-process';

const serve = (args: string[]) => serveIn(teardown, args);

let teardown: Teardown;

beforeEach(() => { teardown = new Teardown(); });
afterEach(() => teardown.run());

describe('tzimtzum command', () => {
  it('explains usage, and rejects unknown commands and bad links with exit codes', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('share <folder>');
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    const data = await teardown.dir();
    const bad = await run(['--data', data, 'subscribe', 'tzimtzum://not-a-key', path.join(data, 'x')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/tzimtzum:\/\//);
    const badBootstrap = await run(['--bootstrap', 'nonsense', 'status']);
    expect(badBootstrap.code).toBe(1);
    expect(badBootstrap.stderr).toMatch(/host:port/);
  });

  it('creates an identity once, and imports one from recovery words on a new device index', async () => {
    const data = await teardown.dir();
    const created = await run(['--data', data, '--json', 'init']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout.trim())).toMatchObject({ event: 'identity', deviceIndex: 0 });
    const again = await run(['--data', data, 'init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const words = 'abandon '.repeat(23) + 'art';
    const other = await teardown.dir();
    const imported = await run(['--data', other, '--json', 'init', '--import'], words);
    expect(imported.code).toBe(0);
    const event = JSON.parse(imported.stdout.trim()) as { deviceIndex: number; imported: boolean };
    expect(event.imported).toBe(true);
    expect(event.deviceIndex).toBeGreaterThan(0);
    const wrong = await run(['--data', await teardown.dir(), 'init', '--import'], 'abandon abandon zebra');
    expect(wrong.code).toBe(1);
  });

  it('shares in one process and subscribes in another, then stops cleanly on SIGTERM', async () => {
    const testnet: Testnet = await localTestnet(teardown);
    const bootstrap = formatBootstrap(testnet.bootstrap);
    const authorData = await teardown.dir();
    const readerData = await teardown.dir();
    expect((await run(['--data', authorData, 'init'])).code).toBe(0);
    expect((await run(['--data', readerData, 'init'])).code).toBe(0);
    const vault = await teardown.dir('tzimtzum-cli-vault-');
    await writeFile(path.join(vault, 'Hello.md'), 'hello from another process');

    const author = serve(['--data', authorData, '--bootstrap', bootstrap, 'share', vault]);
    await eventually(() => author.lines.length > 0, 'the share link', 30_000);
    const link = author.lines[0];
    expect(link).toMatch(/^tzimtzum:\/\/[a-z0-9]{52}\?view=[a-z0-9]{52}&tree=[a-z0-9]{52}&name=/);

    const mountDir = path.join(await teardown.dir(), 'Mounted');
    const reader = serve(['--data', readerData, '--bootstrap', bootstrap, '--json', 'subscribe', link, mountDir]);
    await eventually(async () => (await readFile(path.join(mountDir, 'Hello.md'), 'utf8').catch(() => '')) === 'hello from another process', 'the note in the subscriber', 30_000);
    await writeFile(path.join(vault, 'Hello.md'), 'edited live');
    await eventually(async () => (await readFile(path.join(mountDir, 'Hello.md'), 'utf8').catch(() => '')) === 'edited live', 'the live edit', 30_000);

    const status = await run(['--data', readerData, '--json', 'status']);
    expect(status.code).toBe(0);
    const body = JSON.parse(status.stdout.trim()) as { running: number; knowledgeBases: { role: string; folder: string }[] };
    expect(body.running).toBe(reader.child.pid);
    expect(body.knowledgeBases).toEqual([expect.objectContaining({ role: 'subscribed', folder: mountDir })]);

    const busy = await run(['--data', readerData, 'unsubscribe', link]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(new RegExp(`in use by .*${reader.child.pid}`));

    reader.child.kill('SIGTERM');
    author.child.kill('SIGINT');
    expect(await reader.exited).toBe(0);
    expect(await author.exited).toBe(0);
    const unsubscribed = await run(['--data', readerData, 'unsubscribe', link]);
    expect(unsubscribed.code).toBe(0);
    expect(await readFile(path.join(mountDir, 'Hello.md'), 'utf8')).toBe('edited live'); // files stay
  }, 90_000);
});
