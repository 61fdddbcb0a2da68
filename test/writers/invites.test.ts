import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type BlindPairing from 'blind-pairing';
import type Corestore from 'corestore';
import crypto from 'hypercore-crypto';
import type { Testnet } from 'hyperdht/testnet.js';
import { KnowledgeBase } from '../../src/engine/knowledge-base';
import type { WriterRole } from '../../src/engine/writers';
import { Swarm } from '../../src/net/swarm';
import { parseInvite } from '../../src/writers/invite-code';
import { createPairing, InviteDesk, InviteDeskError, type NewInvite, type RefusalReason } from '../../src/writers/invite-desk';
import { DEFAULT_REDEEM_TIMEOUT_MS, redeemInvite, RedeemError, waitUntilWritable } from '../../src/writers/join';
import { eventually, localTestnet } from '../support/network';
import { linkStores } from '../support/replication';
import { Teardown } from '../support/temp';

// Every device is a real peer: its own Corestore in a temp dir, its own Hyperswarm on a loopback DHT, and
// one pairing service shared by its invite desk and its redemptions. An invite round trip takes well under
// a second here, so waits are short.
const REDEEM_MS = 5_000;
const WRITABLE_MS = DEFAULT_REDEEM_TIMEOUT_MS;

let teardown: Teardown;
let testnet: Testnet;

interface Device {
  store: Corestore;
  swarm: Swarm;
  pairing: BlindPairing;
  desk: InviteDesk;
  refusals: RefusalReason[];
  bases: KnowledgeBase[];
}

async function device(opts: { now?: () => number; deskFolder?: string } = {}): Promise<Device> {
  const store = await teardown.store();
  const swarm = new Swarm({ store, bootstrap: testnet.bootstrap });
  const pairing = createPairing(swarm);
  const desk = new InviteDesk({ pairing, folder: opts.deskFolder ?? (await teardown.dir('tzimtzum-desk-')), now: opts.now });
  const dev: Device = { store, swarm, pairing, desk, refusals: [], bases: [] };
  desk.on('refused', ({ reason }) => dev.refusals.push(reason));
  // The peer's shutdown order: pairing, then network, then bases (the store closes after, registered first).
  teardown.add(async () => {
    await dev.desk.close();
    await dev.pairing.close();
    await dev.swarm.destroy();
    for (const kb of dev.bases) await kb.close();
  });
  return dev;
}

async function openKb(dev: Device, namespace: string, key?: Buffer): Promise<KnowledgeBase> {
  const kb = new KnowledgeBase({ store: dev.store, namespace, key });
  kb.on('error', (err) => console.log(`knowledge base error: ${err.message}`));
  dev.bases.push(kb);
  await kb.ready();
  await dev.swarm.join(kb);
  return kb;
}

/** An owner device with a knowledge base it created, already holding a file, and serving invites. */
async function ownerWithKb(opts: { now?: () => number } = {}): Promise<{ owner: Device; kb: KnowledgeBase }> {
  const owner = await device(opts);
  const kb = await openKb(owner, 'share/1');
  await kb.putFiles([note('welcome.md', 'hello')]);
  await owner.desk.serve(kb);
  return { owner, kb };
}

/** What the peer does with an invite: pick a namespace, redeem with that namespace's writer key, open, wait. */
async function join(dev: Device, code: string, namespace = 'joined/1'): Promise<KnowledgeBase> {
  const writerKey = await KnowledgeBase.localWriterKey(dev.store, namespace);
  const { key } = await redeemInvite({ pairing: dev.pairing, code, writerKey, timeoutMs: REDEEM_MS });
  const kb = await openKb(dev, namespace, key);
  // As long as the app waits. A device added by a second owner (a writer the creator has not yet
  // acknowledged) sometimes becomes writable only at the creator's next acknowledgement, 1-2 s later.
  await waitUntilWritable(kb, WRITABLE_MS);
  return kb;
}

async function redeemError(run: Promise<unknown>): Promise<RedeemError> {
  const error = await run.then(() => null, (err: unknown) => err);
  if (error instanceof RedeemError) return error;
  throw new Error(`expected a RedeemError, got ${String(error)}`);
}

const note = (path: string, text: string) => ({ path, bytes: Buffer.from(text), mtime: Date.UTC(2026, 0, 1) });
const textOf = async (kb: KnowledgeBase, path: string) => ((await kb.stat(path, { wait: false }).catch(() => null)) ? (await kb.read(path)).toString() : null);
const invite = (owner: Device, kb: KnowledgeBase, role: WriterRole = 'author', name?: string): Promise<NewInvite> =>
  owner.desk.create(kb, { role, expiresInMs: 60_000, name });

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());

describe('redeeming an invite', () => {
  it('makes the invitee a writer with its own device key, and its edits reach the owner', async () => {
    const { owner, kb } = await ownerWithKb();
    const added: { key: Buffer; role: WriterRole }[] = [];
    owner.desk.on('writer-added', ({ key, role }) => added.push({ key, role }));
    const issued = await invite(owner, kb, 'author', 'Laptop');

    const laptop = await device();
    const joined = await join(laptop, issued.links.link);

    expect(joined.key.equals(kb.key)).toBe(true);
    expect(joined.localWriterKey.equals(kb.localWriterKey)).toBe(false);
    expect(added).toHaveLength(1);
    expect(added[0].key.equals(joined.localWriterKey)).toBe(true);
    expect(await kb.roleOf(joined.localWriterKey)).toBe('author');
    expect((await kb.writers()).map(({ role, name, active }) => ({ role, name, active }))).toEqual([
      { role: 'owner', name: '', active: true },
      { role: 'author', name: 'Laptop', active: true },
    ]);
    expect(await kb.inviteUsed(issued.id)).toBe(true);
    expect((await owner.desk.list(kb)).map((i) => i.status)).toEqual(['used']);

    await joined.putFiles([note('from-laptop.md', 'written on the laptop')]);
    await eventually(async () => (await textOf(kb, 'from-laptop.md')) === 'written on the laptop', 'the invitee\'s file on the owner');
    expect(await textOf(joined, 'welcome.md')).toBe('hello');
  });

  it('accepts the Obsidian link form and the bare code alike', async () => {
    const { owner, kb } = await ownerWithKb();
    const first = await join(await device(), (await invite(owner, kb)).links.obsidian);
    const second = await join(await device(), (await invite(owner, kb)).code);
    expect(await kb.roleOf(first.localWriterKey)).toBe('author');
    expect(await kb.roleOf(second.localWriterKey)).toBe('author');
  });

  it('answers the same device again when it retries a code it already redeemed (its first answer was lost)', async () => {
    const { owner, kb } = await ownerWithKb();
    const issued = await invite(owner, kb);
    const laptop = await device();
    const writerKey = await KnowledgeBase.localWriterKey(laptop.store, 'joined/1');
    await redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: REDEEM_MS });
    const again = await redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: REDEEM_MS });
    expect(again.key.equals(kb.key)).toBe(true);
    expect(await kb.writers()).toHaveLength(2);
  });

  it('remembers issued invites across a restart of the owner\'s desk', async () => {
    const folder = await teardown.dir('tzimtzum-desk-');
    const owner = await device({ deskFolder: folder });
    const kb = await openKb(owner, 'share/1');
    const issued = await invite(owner, kb);
    await owner.desk.close();

    owner.desk = new InviteDesk({ pairing: owner.pairing, folder });
    const listed = await owner.desk.list(kb);
    expect(listed.map((i) => ({ status: i.status, code: i.code }))).toEqual([{ status: 'pending', code: issued.code }]);
    await owner.desk.serve(kb);
    const joined = await join(await device(), issued.code);
    expect(await kb.roleOf(joined.localWriterKey)).toBe('author');
  });
});

describe('refusals', () => {
  it('refuses an expired code on the invitee\'s device, before contacting anyone', async () => {
    const { owner, kb } = await ownerWithKb({ now: () => Date.now() - 120_000 });
    const stale = await invite(owner, kb); // valid for a minute, issued two minutes ago
    const offline = { addCandidate: () => { throw new Error('contacted the network'); } } as unknown as BlindPairing;
    const error = await redeemError(redeemInvite({ pairing: offline, code: stale.code, writerKey: crypto.randomBytes(32) }));
    expect(error.code).toBe('expired');
    expect(error.message).toMatch(/expired on .* Ask the owner for a new invite/);
    expect(parseInvite(stale.code).expires).toBe(stale.expires);
  });

  it('has the owner refuse a code whose expiry passed while it was served (whatever the invitee\'s clock says)', async () => {
    let ownerClock = Date.now();
    const { owner, kb } = await ownerWithKb({ now: () => ownerClock });
    const issued = await invite(owner, kb);
    ownerClock += 61_000;
    const laptop = await device();
    const writerKey = await KnowledgeBase.localWriterKey(laptop.store, 'joined/1');
    const error = await redeemError(redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: REDEEM_MS }));
    expect(error.code).toBe('expired');
    expect(owner.refusals).toEqual(['expired']);
    expect(await kb.roleOf(writerKey)).toBeNull();
    expect(await kb.inviteUsed(issued.id)).toBe(false);
  });

  it('refuses a used code to a second device, which is not added', async () => {
    const { owner, kb } = await ownerWithKb();
    const issued = await invite(owner, kb);
    const first = await join(await device(), issued.code);
    const second = await device();
    const writerKey = await KnowledgeBase.localWriterKey(second.store, 'joined/1');
    const error = await redeemError(redeemInvite({ pairing: second.pairing, code: issued.code, writerKey, timeoutMs: REDEEM_MS }));
    expect(error.code).toBe('used');
    expect(error.message).toMatch(/already used by another device/);
    expect(owner.refusals).toEqual(['used']);
    expect(await kb.roleOf(first.localWriterKey)).toBe('author');
    expect(await kb.roleOf(writerKey)).toBeNull();
    expect(await kb.writers()).toHaveLength(2);
  });

  it('refuses a revoked code', async () => {
    const { owner, kb } = await ownerWithKb();
    const issued = await invite(owner, kb);
    expect(await owner.desk.revoke(issued.id)).toBe(true);
    const laptop = await device();
    const writerKey = await KnowledgeBase.localWriterKey(laptop.store, 'joined/1');
    const error = await redeemError(redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: REDEEM_MS }));
    expect(error.code).toBe('refused');
    expect(owner.refusals).toEqual(['revoked']);
    expect((await owner.desk.list(kb)).map((i) => ({ status: i.status, code: i.code }))).toEqual([{ status: 'revoked', code: null }]);
  });

  it('times out cleanly on a code for a knowledge base no owner device serves', async () => {
    const { owner } = await ownerWithKb();
    const other = await openKb(owner, 'share/2'); // owned and announced, but its invites are not served
    const issued = await invite(owner, other);
    const laptop = await device();
    const writerKey = await KnowledgeBase.localWriterKey(laptop.store, 'joined/1');
    const started = Date.now();
    const error = await redeemError(redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: 1_500 }));
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/no owner device of this knowledge base answered; ask the owner to open Tzimtzum/i);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await other.roleOf(writerKey)).toBeNull();
    // The attempt was cleaned up: the same device may try again at once.
    const retry = await redeemError(redeemInvite({ pairing: laptop.pairing, code: issued.code, writerKey, timeoutMs: 300 }));
    expect(retry.code).toBe('timeout');
  });

  it('does not honour an invite for one knowledge base presented on another', async () => {
    const { owner, kb: served } = await ownerWithKb();
    const other = await openKb(owner, 'share/2');
    const issued = await invite(owner, other);
    const laptop = await device();
    const writerKey = await KnowledgeBase.localWriterKey(laptop.store, 'joined/1');
    // A hand-made request: the other base's invite, sent on the served base's topic.
    const rejected = new Promise<string>((resolve) => {
      const candidate = laptop.pairing.addCandidate({ invite: parseInvite(issued.code).invite, userData: writerKey, discoveryKey: served.discoveryKey });
      candidate.request.on('rejected', (err) => resolve(err.code));
      teardown.add(() => candidate.close());
    });
    expect(await rejected).toBe('PAIRING_REJECTED');
    expect(owner.refusals).toEqual(['wrong-knowledge-base']);
    expect(await served.roleOf(writerKey)).toBeNull();
    expect(await other.roleOf(writerKey)).toBeNull();
  });
});

describe('roles and removal', () => {
  it('stops a removed writer\'s later edits from changing the owner\'s view, and keeps its earlier files', async () => {
    const { owner, kb } = await ownerWithKb();
    const laptop = await device();
    const joined = await join(laptop, (await invite(owner, kb)).code);
    await joined.putFiles([note('before.md', 'written while a writer')]);
    await eventually(async () => (await textOf(kb, 'before.md')) === 'written while a writer', 'the writer\'s file on the owner');

    // The laptop goes offline; the owner removes it; the laptop, not knowing, keeps writing.
    await laptop.pairing.close();
    await laptop.swarm.destroy();
    await kb.removeWriter(joined.localWriterKey);
    expect(await kb.roleOf(joined.localWriterKey)).toBeNull();
    expect((await kb.writers()).find((w) => w.key.equals(joined.localWriterKey))?.active).toBe(false);
    expect(joined.writable).toBe(true);
    await joined.putFiles([note('after.md', 'written after removal'), note('before.md', 'overwritten after removal')]);
    const written = joined.base.local.length;

    // Back online: the owner receives those ops and ignores them; the laptop learns it was removed.
    teardown.add(linkStores(owner.store, laptop.store));
    const copy = owner.store.get({ key: joined.localWriterKey });
    teardown.add(() => copy.close());
    await copy.get(written - 1, { timeout: 10_000 });
    await eventually(() => !joined.writable, 'the laptop learning it was removed');
    await kb.update();
    expect(await textOf(kb, 'after.md')).toBeNull();
    expect(await textOf(kb, 'before.md')).toBe('written while a writer');
    await expect(joined.putFiles([note('late.md', 'x')])).rejects.toMatchObject({ code: 'not-writable' });
  });

  it('gives a co-author no power over the writers, and no invite desk', async () => {
    const { owner, kb } = await ownerWithKb();
    const laptop = await device();
    const coauthor = await join(laptop, (await invite(owner, kb, 'author')).code);
    const stranger = crypto.randomBytes(32);

    await coauthor.addWriter(stranger, { role: 'owner' });
    await coauthor.removeWriter(kb.localWriterKey);
    await coauthor.putFiles([note('marker.md', 'after the attempts')]);
    await eventually(async () => (await textOf(kb, 'marker.md')) !== null, 'the co-author\'s ops on the owner');

    expect(await kb.roleOf(stranger)).toBeNull();
    expect(await kb.roleOf(kb.localWriterKey)).toBe('owner');
    await expect(laptop.desk.create(coauthor, { role: 'author', expiresInMs: 60_000 })).rejects.toBeInstanceOf(InviteDeskError);
    await expect(laptop.desk.serve(coauthor)).rejects.toMatchObject({ code: 'not-owner' });
  });

  it('lets an owner invite a second owner, who may then add writers itself', async () => {
    const { owner, kb } = await ownerWithKb();
    const tablet = await device();
    const secondOwner = await join(tablet, (await invite(owner, kb, 'owner', 'Tablet')).code);
    expect(await secondOwner.roleOf(secondOwner.localWriterKey)).toBe('owner');

    await tablet.desk.serve(secondOwner);
    const issued = await tablet.desk.create(secondOwner, { role: 'author', expiresInMs: 60_000 });
    const phone = await join(await device(), issued.code);
    await eventually(async () => (await kb.roleOf(phone.localWriterKey)) === 'author', 'the phone added by the second owner, on the first');
  });
});
