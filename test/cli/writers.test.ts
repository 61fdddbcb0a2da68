// The writer commands as a user runs them: one author's two devices (the same recovery words, devices 0
// and 1) in separate processes on a local DHT; `invite` on the first, `join` on the second, then
// `writers`, `remove-writer` and `revoke-invite`; and the errors each command gives for what cannot work.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import BlindPairing from 'blind-pairing';
import crypto from 'hypercore-crypto';
import { Identity } from '../../src/engine/identity';
import { formatBootstrap } from '../../src/net/dht-settings';
import { encodeInviteCode } from '../../src/writers/invite-code';
import { eventually, localTestnet, peerDataDir } from '../support/network';
import { Teardown } from '../support/temp';
import { events, run, serve } from './cli-process';

let teardown: Teardown;

beforeEach(() => { teardown = new Teardown(); });
afterEach(() => teardown.run());

/** A well-formed invite for a knowledge base nobody serves, expiring at `expires`. */
function inviteFor(expires: number): string {
  return encodeInviteCode(BlindPairing.createInvite(crypto.randomBytes(32), { expires }).invite);
}

/** The first JSON event of a kind a serving command printed. */
function event(lines: string[], kind: string): Record<string, unknown> | undefined {
  return events(lines).find((e) => e.event === kind);
}

describe('tzimtzum invite, join, writers and remove-writer', () => {
  it('invites a second device, which joins and syncs both ways; then lists and removes it', async () => {
    const testnet = await localTestnet(teardown);
    const net = ['--bootstrap', formatBootstrap(testnet.bootstrap)];
    const words = Identity.create().walletMnemonic();
    const desktopData = await peerDataDir(teardown, { words, deviceIndex: 0 });
    const laptopData = await peerDataDir(teardown, { words, deviceIndex: 1 });
    const desktopFolder = await teardown.dir('tzimtzum-cli-desktop-');
    await writeFile(path.join(desktopFolder, 'Plans.md'), 'first\nsecond\n');
    const laptopFolder = path.join(await teardown.dir('tzimtzum-cli-laptop-'), 'Garden');

    const share = serve(teardown, ['--data', desktopData, ...net, 'share', desktopFolder, '--title', 'Garden']);
    await eventually(() => share.lines.length > 0, 'the share link', 30_000);
    share.child.kill('SIGINT');
    expect(await share.exited).toBe(0);

    const desktop = serve(teardown, ['--data', desktopData, ...net, '--json', 'invite', desktopFolder, '--role', 'owner', '--name', 'Laptop', '--expires', '1h']);
    await eventually(() => event(desktop.lines, 'invite') !== undefined, 'the invite', 30_000);
    const invite = event(desktop.lines, 'invite')!;
    expect(invite).toMatchObject({ role: 'owner', name: 'Laptop', title: 'Garden' });
    expect(invite.link).toBe(`tzimtzum://invite/${String(invite.code)}`);
    expect(invite.obsidianLink).toBe(`obsidian://tzimtzum?invite=${String(invite.code)}`);

    const laptop = serve(teardown, ['--data', laptopData, ...net, '--json', 'join', String(invite.link), laptopFolder]);
    await eventually(() => event(laptop.lines, 'joined') !== undefined, 'the join', 30_000);
    expect(event(laptop.lines, 'joined')).toMatchObject({ id: invite.id, title: 'Garden', folder: laptopFolder });
    await eventually(async () => (await readFile(path.join(laptopFolder, 'Plans.md'), 'utf8').catch(() => '')) === 'first\nsecond\n', 'the note on the laptop', 30_000);
    await eventually(() => event(desktop.lines, 'invite-used') !== undefined, 'the desktop saying the invite was used');

    await writeFile(path.join(laptopFolder, 'From laptop.md'), 'written on the laptop\n');
    await eventually(async () => (await readFile(path.join(desktopFolder, 'From laptop.md'), 'utf8').catch(() => '')) === 'written on the laptop\n', 'the laptop\'s note on the desktop', 30_000);
    await writeFile(path.join(desktopFolder, 'Plans.md'), 'FIRST\nsecond\n');
    await eventually(async () => (await readFile(path.join(laptopFolder, 'Plans.md'), 'utf8').catch(() => '')) === 'FIRST\nsecond\n', 'the desktop\'s edit on the laptop', 30_000);

    desktop.child.kill('SIGINT');
    laptop.child.kill('SIGTERM');
    expect(await desktop.exited).toBe(0);
    expect(await laptop.exited).toBe(0);

    const listed = await run(['--data', desktopData, ...net, '--json', 'writers', desktopFolder]);
    expect(listed.code).toBe(0);
    const { writers } = JSON.parse(listed.stdout.trim()) as { writers: { key: string; role: string; name: string; active: boolean; creator: boolean; self: boolean }[] };
    expect(writers.map(({ role, name, active, creator, self }) => ({ role, name, active, creator, self }))).toEqual([
      { role: 'owner', name: '', active: true, creator: true, self: true },
      { role: 'owner', name: 'Laptop', active: true, creator: false, self: false },
    ]);

    const self = await run(['--data', desktopData, ...net, 'remove-writer', String(invite.id), writers[0].key]);
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/This is this device/);
    const removed = await run(['--data', desktopData, ...net, '--json', 'remove-writer', String(invite.id), writers[1].key]);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout.trim())).toMatchObject({ event: 'writer-removed', key: writers[1].key });
    const after = await run(['--data', desktopData, ...net, 'writers', desktopFolder]);
    expect(after.stdout).toMatch(new RegExp(`${writers[1].key}  owner, "Laptop", removed`));
  }, 120_000);

  it('lists an invite nobody used yet and revokes it', async () => {
    const testnet = await localTestnet(teardown);
    const local = ['--data', await peerDataDir(teardown), '--bootstrap', formatBootstrap(testnet.bootstrap)];
    const folder = await teardown.dir('tzimtzum-cli-notes-');
    await writeFile(path.join(folder, 'Plans.md'), 'first\n');
    const share = serve(teardown, [...local, 'share', folder, '--title', 'Garden']);
    await eventually(() => share.lines.length > 0, 'the share link', 30_000);
    share.child.kill('SIGINT');
    expect(await share.exited).toBe(0);
    const inviting = serve(teardown, [...local, '--json', 'invite', folder, '--name', 'Ana', '--expires', '1d']);
    await eventually(() => event(inviting.lines, 'invite') !== undefined, 'the invite', 30_000);
    const inviteId = String(event(inviting.lines, 'invite')!.invite);
    inviting.child.kill('SIGINT');
    expect(await inviting.exited).toBe(0);

    const listed = await run([...local, 'writers', folder]);
    expect(listed.stdout).toMatch(new RegExp(`Invites not used yet[^]*${inviteId}  author, "Ana", expires`));
    const revoked = await run([...local, '--json', 'revoke-invite', folder, inviteId]);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout.trim())).toMatchObject({ event: 'invite-revoked', invite: inviteId });
    const after = JSON.parse((await run([...local, '--json', 'writers', folder])).stdout.trim()) as { invites: { id: string; status: string; code: string | null }[] };
    expect(after.invites).toEqual([expect.objectContaining({ id: inviteId, status: 'revoked', code: null })]);
    const again = await run([...local, '--json', 'revoke-invite', folder, inviteId]);
    expect(again.code).toBe(1);
    expect(events(again.stdout.split('\n'))[0]).toMatchObject({ event: 'error', code: 'invite-not-pending' });
  }, 60_000);

  it('refuses what cannot work, with exit codes and error codes', async () => {
    const data = await peerDataDir(teardown);
    const offline = ['--data', data, '--bootstrap', '127.0.0.1:1'];
    const folder = await teardown.dir('tzimtzum-cli-notes-');

    expect((await run([...offline, 'join', 'only-one-argument'])).code).toBe(2);
    expect((await run([...offline, 'invite', folder, '--role', 'admin'])).stderr).toMatch(/--role is "owner"/);
    expect((await run([...offline, 'invite', folder, '--expires', 'forever'])).code).toBe(2);
    expect((await run([...offline, 'remove-writer', folder, 'not-a-key'])).code).toBe(2);
    expect((await run([...offline, 'revoke-invite', folder, 'not-an-invite-id'])).code).toBe(2);

    const shareLink = await run([...offline, '--json', 'join', 'tzimtzum://ybndrfg8ejkmcpqxot1uwisza345h769ybndrfg8ejkmcpqxot1uwis', path.join(folder, 'x')]);
    expect(shareLink.code).toBe(1);
    expect(events(shareLink.stdout.split('\n'))[0]).toMatchObject({ event: 'error', code: 'invite-code-invalid' });
    expect(String(events(shareLink.stdout.split('\n'))[0].message)).toMatch(/share link, for subscribing/);

    const expired = await run([...offline, '--json', 'join', inviteFor(Date.now() - 60_000), path.join(folder, 'x')]);
    expect(expired.code).toBe(1);
    expect(events(expired.stdout.split('\n'))[0]).toMatchObject({ event: 'error', code: 'invite-expired' });

    const unanswered = await run([...offline, '--json', 'join', inviteFor(Date.now() + 60_000), path.join(folder, 'x'), '--timeout', '2']);
    expect(unanswered.code).toBe(1);
    expect(events(unanswered.stdout.split('\n')).find((e) => e.event === 'error')).toMatchObject({ code: 'timeout' });

    const notShared = await run([...offline, 'invite', folder]);
    expect(notShared.code).toBe(1);
    expect(notShared.stderr).toMatch(/is not a knowledge base of this device/);
    expect((await run([...offline, 'writers', folder])).code).toBe(1);
  }, 60_000);
});
