// The owner's side of writer invites: issue codes, remember them, and answer pairing requests.
//
// An invite's public key (which opens the requests made with it) and its terms (role, expiry, who used it)
// stay in a state file on the owner's device that issued it, never in the view: readers replicate the
// view, and any holder of the public key could answer candidates in the owner's place. So an invite is
// honoured only by the device that issued it, while that device is online and serving the knowledge base.
//
// A request is answered only after the candidate proved it holds the invite's secret (blind-pairing's
// `open`), and only for an invite that is this knowledge base's, unexpired, unrevoked and unused. The
// candidate's writer key (its own device's key, sent as the request's user data) is added with the
// invite's role and id; the view records the id as used, so the same invite cannot add a second device.
// Requests are handled one at a time, so two devices racing with one code cannot both pass the check.
import { EventEmitter } from 'node:events';
import path from 'node:path';
import BlindPairing, { type Member, type MemberRequest } from 'blind-pairing';
import type { KnowledgeBase } from '../engine/knowledge-base';
import type { WriterRole } from '../engine/writers';
import { WRITER_ROLES } from '../engine/schema';
import { JsonFile } from '../engine/json-file';
import { SerialQueue } from '../engine/serial';
import type { Swarm } from '../net/swarm';
import { encodeInviteCode, inviteLinks, type InviteLinks } from './invite-code';

/** Longest validity of an invite: a week. Codes are bearer secrets; a long-lived one is a standing risk. */
export const MAX_INVITE_MS = 7 * 24 * 60 * 60 * 1000;
/** Longest device name an invite may carry, in characters (at most 240 bytes: the op's field holds 256). */
export const MAX_WRITER_NAME_LENGTH = 60;
/** Records are forgotten this long after their invite expired (the view keeps the used ids for good). */
const FORGET_AFTER_MS = 7 * 24 * 60 * 60 * 1000;
const STATE_FILE = 'writer-invites.json';
const STATE_VERSION = 1;

/** blind-pairing's deny statuses, as the candidate's device reports them. */
const DENY_REJECTED = 1;
const DENY_USED = 2;
const DENY_EXPIRED = 3;

/**
 * The one pairing service of a peer, on its swarm. Create one per peer and hand it to both the desk and
 * `redeemInvite`: blind-pairing keys its channels by discovery key on the shared connections, so a second
 * instance on the same swarm would collide with the first.
 */
export function createPairing(swarm: Swarm, opts: { poll?: number } = {}): BlindPairing {
  return new BlindPairing(swarm.swarm, opts);
}

/** An invite as `create` hands it to the owner, to pass on. */
export interface NewInvite {
  code: string;
  links: InviteLinks;
  id: Buffer;
  /** Epoch ms; whole seconds (the code carries seconds). */
  expires: number;
  role: WriterRole;
  name: string | null;
}

export type InviteStatus = 'pending' | 'used' | 'expired' | 'revoked';

/** An issued invite as the owner's list shows it; the code is shown only while the invite can still be used. */
export interface IssuedInvite {
  id: Buffer;
  role: WriterRole;
  name: string | null;
  expires: number;
  createdAt: number;
  status: InviteStatus;
  /** The writer key the invite added, once used. */
  usedBy: Buffer | null;
  code: string | null;
  links: InviteLinks | null;
}

/** Why a pairing request was refused. */
export type RefusalReason = 'unknown-invite' | 'wrong-knowledge-base' | 'invalid-request' | 'bad-writer-key' | 'revoked' | 'expired' | 'used' | 'not-owner' | 'failed';

/** Errors the owner can act on. */
export class InviteDeskError extends Error {
  override readonly name = 'InviteDeskError';
  constructor(readonly code: 'not-owner' | 'bad-options' | 'damaged-state' | 'closed', message: string) {
    super(message);
  }
}

export interface InviteDeskOptions {
  /** The peer's pairing service (see `createPairing`). */
  pairing: BlindPairing;
  /** Folder for the desk's state file, in the data folder (never in a vault). */
  folder: string;
  now?: () => number;
}

type Events = {
  'writer-added': [event: { kb: KnowledgeBase; key: Buffer; role: WriterRole; invite: Buffer }];
  refused: [event: { kb: KnowledgeBase; reason: RefusalReason; invite: Buffer }];
};

interface StoredInvite {
  id: string;
  kb: string;
  publicKey: string;
  /** Kept until used or revoked, so the owner can pass the invite on again. */
  code: string | null;
  role: WriterRole;
  name: string | null;
  expires: number;
  createdAt: number;
  usedBy: string | null;
  revoked: boolean;
}

/** Issues writer invites for the knowledge bases this device owns, and honours them. */
export class InviteDesk extends EventEmitter<Events> {
  private readonly pairing: BlindPairing;
  private readonly json: JsonFile;
  private readonly now: () => number;
  private readonly queue = new SerialQueue();
  private readonly members = new Map<string, Member>();
  private invites = new Map<string, StoredInvite>();
  private loading: Promise<void> | null = null;
  private closed = false;

  constructor(opts: InviteDeskOptions) {
    super();
    this.pairing = opts.pairing;
    this.json = new JsonFile(path.join(opts.folder, STATE_FILE));
    this.now = opts.now ?? Date.now;
  }

  /** Reads the state file (once); the other methods call it. Throws `InviteDeskError` for a damaged file. */
  ready(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  /** Issue an invite; only an owner device may. The knowledge base must be served for the invite to be redeemed. */
  async create(kb: KnowledgeBase, opts: { role: WriterRole; expiresInMs: number; name?: string }): Promise<NewInvite> {
    await this.ready();
    this.assertOpen();
    if (!WRITER_ROLES.includes(opts.role)) throw new InviteDeskError('bad-options', `"${String(opts.role)}" is not a writer role; use "owner" or "author".`);
    if (!Number.isFinite(opts.expiresInMs) || opts.expiresInMs <= 0 || opts.expiresInMs > MAX_INVITE_MS) {
      throw new InviteDeskError('bad-options', 'An invite must expire within a week; choose a shorter validity.');
    }
    const name = checkedName(opts.name);
    await this.assertOwner(kb, 'issue invites');
    // Round up to whole seconds, as the code carries them, so the code and this record agree exactly.
    const expires = Math.ceil((this.now() + opts.expiresInMs) / 1000) * 1000;
    const created = BlindPairing.createInvite(kb.key, { expires });
    const code = encodeInviteCode(created.invite);
    const record: StoredInvite = {
      id: created.id.toString('hex'), kb: kb.key.toString('hex'), publicKey: created.publicKey.toString('hex'), code,
      role: opts.role, name, expires, createdAt: this.now(), usedBy: null, revoked: false,
    };
    this.invites.set(record.id, record);
    await this.save();
    return { code, links: inviteLinks(code), id: Buffer.from(created.id), expires, role: opts.role, name };
  }

  /** The invites this device issued for a knowledge base, newest first. */
  async list(kb: KnowledgeBase): Promise<IssuedInvite[]> {
    await this.ready();
    const kbHex = kb.key.toString('hex');
    const out: IssuedInvite[] = [];
    for (const record of this.invites.values()) {
      if (record.kb !== kbHex) continue;
      const usedInView = record.usedBy === null ? await kb.inviteUsed(Buffer.from(record.id, 'hex')) : true;
      const status: InviteStatus = record.revoked ? 'revoked' : usedInView ? 'used' : this.now() >= record.expires ? 'expired' : 'pending';
      const code = status === 'pending' ? record.code : null;
      out.push({
        id: Buffer.from(record.id, 'hex'), role: record.role, name: record.name, expires: record.expires, createdAt: record.createdAt, status,
        usedBy: record.usedBy === null ? null : Buffer.from(record.usedBy, 'hex'), code, links: code === null ? null : inviteLinks(code),
      });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Revoke an unused invite; later requests with it are refused. Returns false for an id this device never issued. */
  async revoke(id: Buffer | string): Promise<boolean> {
    await this.ready();
    const hex = typeof id === 'string' ? id : id.toString('hex');
    return this.queue.run(async () => {
      const record = this.invites.get(hex);
      if (!record) return false;
      record.revoked = true;
      record.code = null;
      await this.save();
      return true;
    });
  }

  /** Answer pairing requests for a knowledge base this device owns. */
  async serve(kb: KnowledgeBase): Promise<void> {
    await this.ready();
    this.assertOpen();
    const id = kb.key.toString('hex');
    if (this.members.has(id)) return;
    await this.assertOwner(kb, 'answer invites');
    const member = this.pairing.addMember({ discoveryKey: kb.discoveryKey, onadd: (request) => this.onRequest(kb, request) });
    this.members.set(id, member);
    await member.ready();
  }

  /** Stop answering pairing requests for a knowledge base. */
  async unserve(kb: KnowledgeBase): Promise<void> {
    const id = kb.key.toString('hex');
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    await member.close();
  }

  /** Whether the desk answers requests for this knowledge base. */
  serves(kb: KnowledgeBase): boolean {
    return this.members.has(kb.key.toString('hex'));
  }

  /** Stop serving everything and let the request in progress finish; the pairing service stays the peer's to close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.members.values()].map((member) => member.close()));
    this.members.clear();
    await this.queue.idle();
  }

  // blind-pairing awaits this and sends whatever response the request carries afterwards; it must never throw
  // (the library rethrows programmer errors from it as uncaught).
  private async onRequest(kb: KnowledgeBase, request: MemberRequest): Promise<void> {
    const invite = Buffer.from(request.inviteId);
    try {
      const reason = await this.queue.run(() => this.decide(kb, request));
      if (reason !== null) this.emit('refused', { kb, reason, invite });
    } catch {
      // A listener threw, or the desk closed mid-request: the candidate hears nothing and times out.
    }
  }

  /** Confirms or denies one request; returns why it was refused, or null when confirmed. */
  private async decide(kb: KnowledgeBase, request: MemberRequest): Promise<RefusalReason | null> {
    const record = this.invites.get(Buffer.from(request.inviteId).toString('hex'));
    // Without the invite's public key no reply can even be encrypted: silence, the candidate times out.
    if (!record) return 'unknown-invite';
    try {
      request.open(Buffer.from(record.publicKey, 'hex'));
    } catch {
      return 'invalid-request'; // not made with the invite's secret
    }
    const deny = (status: number, reason: RefusalReason): RefusalReason => {
      request.deny({ status });
      return reason;
    };
    if (record.kb !== kb.key.toString('hex')) return deny(DENY_REJECTED, 'wrong-knowledge-base');
    const key = request.userData;
    if (!key || key.byteLength !== 32) return deny(DENY_REJECTED, 'bad-writer-key');
    const keyHex = Buffer.from(key).toString('hex');
    const id = Buffer.from(record.id, 'hex');
    const usedInView = await kb.inviteUsed(id);
    const sameDevice = record.usedBy === keyHex;
    if ((usedInView || record.usedBy !== null) && !sameDevice) return deny(DENY_USED, 'used');
    if (usedInView && sameDevice) {
      // The same device asking again (its first answer was lost): tell it again, add nothing.
      request.confirm({ key: kb.key });
      return null;
    }
    if (record.revoked) return deny(DENY_REJECTED, 'revoked');
    if (this.now() >= record.expires) return deny(DENY_EXPIRED, 'expired');
    if ((await kb.roleOf(kb.localWriterKey)) !== 'owner') return deny(DENY_REJECTED, 'not-owner');
    // Recorded before the add: after a crash in between, only this same device can finish the redemption.
    record.usedBy = keyHex;
    record.code = null;
    await this.save();
    try {
      await kb.addWriter(Buffer.from(key), { role: record.role, name: record.name ?? undefined, invite: id });
    } catch {
      record.usedBy = null;
      await this.save();
      return deny(DENY_REJECTED, 'failed');
    }
    request.confirm({ key: kb.key });
    this.emit('writer-added', { kb, key: Buffer.from(key), role: record.role, invite: id });
    return null;
  }

  private async assertOwner(kb: KnowledgeBase, what: string): Promise<void> {
    if ((await kb.roleOf(kb.localWriterKey)) !== 'owner') {
      throw new InviteDeskError('not-owner', `Only an owner device of this knowledge base may ${what}. Ask an owner to do it.`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InviteDeskError('closed', 'The invite desk is closed.');
  }

  private async load(): Promise<void> {
    let parsed: unknown;
    try {
      parsed = await this.json.read();
    } catch (err) {
      throw new InviteDeskError('damaged-state', `${this.json.file} cannot be read (${(err as Error).message}). Move it away to start over; invites issued so far then stop working.`);
    }
    if (parsed === null) return;
    const state = parsed as { version?: unknown; invites?: unknown };
    if (state.version !== STATE_VERSION) {
      throw new InviteDeskError('damaged-state', `${this.json.file} was written by another version of Tzimtzum (format ${String(state.version)}). Update Tzimtzum.`);
    }
    if (!Array.isArray(state.invites) || !state.invites.every(isStoredInvite)) {
      throw new InviteDeskError('damaged-state', `${this.json.file} is damaged. Move it away to start over; invites issued so far then stop working.`);
    }
    const horizon = this.now() - FORGET_AFTER_MS;
    for (const record of state.invites) if (record.expires > horizon) this.invites.set(record.id, record);
  }

  private save(): Promise<void> {
    return this.json.write({ version: STATE_VERSION, invites: [...this.invites.values()] });
  }
}

function checkedName(name: string | undefined): string | null {
  if (name === undefined) return null;
  if (typeof name !== 'string') throw new InviteDeskError('bad-options', 'A device name must be text.');
  const trimmed = name.trim();
  if (trimmed === '') return null;
  if (/\p{Cc}/u.test(trimmed)) throw new InviteDeskError('bad-options', 'A device name cannot contain control characters.');
  if (Array.from(trimmed).length > MAX_WRITER_NAME_LENGTH) throw new InviteDeskError('bad-options', `A device name has at most ${MAX_WRITER_NAME_LENGTH} characters.`);
  return trimmed;
}

const HEX32 = /^[0-9a-f]{64}$/u;

function isStoredInvite(value: unknown): value is StoredInvite {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.id === 'string' && HEX32.test(r.id) && typeof r.kb === 'string' && HEX32.test(r.kb)
    && typeof r.publicKey === 'string' && HEX32.test(r.publicKey)
    && (r.code === null || typeof r.code === 'string')
    && WRITER_ROLES.includes(r.role as WriterRole)
    && (r.name === null || typeof r.name === 'string')
    && Number.isSafeInteger(r.expires) && Number.isSafeInteger(r.createdAt)
    && (r.usedBy === null || (typeof r.usedBy === 'string' && HEX32.test(r.usedBy)))
    && typeof r.revoked === 'boolean';
}
