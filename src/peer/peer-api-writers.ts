// The writer calls of the PeerApi, as plain data: invites this device issues (as an owner), joining a
// knowledge base as a writer with an invite, and the writers list. Keys travel as z-base-32 (what the
// sidebar shows and the CLI takes), invite ids as hex, and every domain error becomes a PeerApiError
// whose message the UI shows as it is.
import z32 from 'z32';
import type { WriterRole } from '../engine/writers';
import { InviteCodeError, isExpired, parseInvite } from '../writers/invite-code';
import { InviteDeskError, type InviteStatus, type IssuedInvite, type NewInvite } from '../writers/invite-desk';
import { RedeemError } from '../writers/join';
import { PeerApiError } from './peer-api-error';
import { PeerError, type KnowledgeBaseStatus, type Peer } from './peer';

export type { InviteStatus, WriterRole };

/** One writer of a knowledge base, as the sidebar lists it. */
export interface WriterView {
  /** The device's writer key, z-base-32. */
  key: string;
  role: WriterRole;
  /** The name its invite gave it ('' for the creator and unnamed devices). */
  name: string;
  /** False once an owner removed it (what it wrote stays). */
  active: boolean;
  /** The device that created the knowledge base (always an owner, never removable). */
  creator: boolean;
  /** This device. */
  self: boolean;
}

/** An invite as the owner passes it on: the code and both link forms. */
export interface NewInviteView {
  /** Hex; what `revokeInvite` takes. */
  id: string;
  code: string;
  /** `tzimtzum://invite/<code>`. */
  link: string;
  /** `obsidian://tzimtzum?invite=<code>`. */
  obsidianLink: string;
  role: WriterRole;
  name: string | null;
  /** Epoch ms. */
  expires: number;
}

/** An invite this device issued; the code and links only while it can still be used. */
export interface InviteView {
  id: string;
  role: WriterRole;
  name: string | null;
  expires: number;
  createdAt: number;
  status: InviteStatus;
  /** The writer key it added (z-base-32), once used. */
  usedBy: string | null;
  code: string | null;
  link: string | null;
  obsidianLink: string | null;
}

/** What the peer reports about writers, as plain data. */
export type WriterEvent =
  /**
   * Another writer's change reached a shared folder; 'kept-local' means it met a local edit and is merged
   * instead. `newCode`: the note now holds more code that plugins run when it is opened than before.
   */
  | { type: 'co-edit'; id: string; path: string; change: 'put' | 'delete' | 'kept-local'; newCode: boolean }
  | { type: 'writer-added'; id: string; key: string; role: WriterRole };

/** The writer part of the PeerApi. */
export interface WriterApi {
  /** Invite another device of yours ('owner') or a co-author ('author') to write a knowledge base this device owns. */
  inviteWriter(id: string, opts: { role: WriterRole; expiresInMs: number; name?: string }): Promise<NewInviteView>;
  /** The invites this device issued for a knowledge base, newest first. */
  invites(id: string): Promise<InviteView[]>;
  /** Refuse an unused invite from now on; false when this device never issued it. */
  revokeInvite(inviteId: string): Promise<boolean>;
  /** Redeem an invite (code or link) and write the knowledge base into a new, empty folder. */
  joinAsWriter(code: string, folder: string, opts?: { timeoutMs?: number }): Promise<KnowledgeBaseStatus>;
  /** Every writer of a knowledge base this device writes, as this device knows them. */
  writers(id: string): Promise<WriterView[]>;
  /** Stop a writer's future changes (owner devices only); `key` as `writers` lists it. */
  removeWriter(id: string, key: string): Promise<void>;
}

/** `WriterApi` over a peer in this process; `changed` tells the UI to reload what it shows. */
export class LocalWriterApi implements WriterApi {
  constructor(private readonly peer: () => Peer, private readonly changed: () => void) {}

  async inviteWriter(id: string, opts: { role: WriterRole; expiresInMs: number; name?: string }): Promise<NewInviteView> {
    const invite = await mapped(() => this.peer().inviteWriter(id, opts));
    this.changed();
    return newInviteView(invite);
  }

  async invites(id: string): Promise<InviteView[]> {
    return (await mapped(() => this.peer().invitesOf(id))).map(inviteView);
  }

  async revokeInvite(inviteId: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/u.test(inviteId)) throw new PeerApiError('bad-request', 'That is not the id of an invite. Pick the invite again from the knowledge bases view.');
    const revoked = await mapped(() => this.peer().revokeInvite(inviteId));
    this.changed();
    return revoked;
  }

  async joinAsWriter(code: string, folder: string, opts: { timeoutMs?: number } = {}): Promise<KnowledgeBaseStatus> {
    const peer = this.peer();
    const status = await mapped(() => {
      // Checked here first, so a pasted share link or an expired code fails before any network wait.
      if (isExpired(parseInvite(code))) throw new RedeemError('expired', 'This invite has expired. Ask the owner for a new invite.');
      return peer.joinAsWriter(code, folder, opts);
    });
    this.changed();
    return status;
  }

  async writers(id: string): Promise<WriterView[]> {
    const peer = this.peer();
    const writers = await mapped(() => peer.writersOf(id));
    const self = peer.knowledgeBase(id)?.localWriterKey ?? null;
    return writers.map((writer) => ({
      key: z32.encode(writer.key), role: writer.role, name: writer.name, active: writer.active, creator: writer.creator,
      self: self !== null && writer.key.equals(self),
    }));
  }

  async removeWriter(id: string, key: string): Promise<void> {
    const bytes = writerKeyBytes(key);
    const target = (await this.writers(id)).find((writer) => writer.key === z32.encode(bytes));
    if (!target?.active) throw new PeerApiError('not-found', `No active writer ${key.slice(0, 8)}… in this knowledge base. List its writers to see their keys.`);
    if (target.self) throw new PeerApiError('bad-request', 'This is this device. Remove it from another owner device, or stop sharing the folder here.');
    await mapped(() => this.peer().removeWriter(id, bytes));
    this.changed();
  }
}

/** Forward the peer's writer events as plain data. */
export function forwardWriterEvents(peer: Peer, emit: (event: WriterEvent) => void): void {
  peer.on('co-edit', (id, change) => emit({ type: 'co-edit', id, path: change.path, change: change.type, newCode: change.newCode === true }));
  peer.on('writer-added', (id, writer) => emit({ type: 'writer-added', id, key: z32.encode(writer.key), role: writer.role }));
}

/** A z-base-32 writer key as bytes; throws a PeerApiError for anything else. */
export function writerKeyBytes(key: string): Buffer {
  let bytes: Uint8Array | null = null;
  try {
    bytes = /^[a-z0-9]{52}$/u.test(key) ? z32.decode(key) : null;
  } catch {
    bytes = null;
  }
  if (bytes?.byteLength !== 32) throw new PeerApiError('bad-request', `"${key}" is not a writer key. A writer key is the 52-character code the writers list shows.`);
  return Buffer.from(bytes);
}

/** The PeerApiError a domain error stands for; other errors pass through unchanged. */
export function writerApiError(err: unknown): unknown {
  if (err instanceof PeerApiError) return err;
  if (err instanceof InviteCodeError) return new PeerApiError('bad-request', err.message);
  if (err instanceof RedeemError) {
    const code = ({ expired: 'invite-expired', used: 'invite-used', refused: 'invite-refused', timeout: 'timeout', busy: 'conflict', 'bad-writer-key': 'bad-request' } as const)[err.code];
    return new PeerApiError(code, err.message);
  }
  if (err instanceof InviteDeskError) {
    const code = ({ 'not-owner': 'not-owner', 'bad-options': 'bad-request', 'damaged-state': 'damaged-state', closed: 'not-running' } as const)[err.code];
    return new PeerApiError(code, err.message);
  }
  if (err instanceof PeerError) {
    const code = ({
      'unknown-kb': 'not-found', 'not-owner': 'not-owner', 'folder-in-use': 'folder-in-use', 'already-shared': 'conflict',
      'already-subscribed': 'conflict', 'own-kb': 'conflict', 'recovery-pending': 'bad-request',
    } as const)[err.code];
    return new PeerApiError(code, err.message);
  }
  return err;
}

async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw writerApiError(err);
  }
}

function newInviteView(invite: NewInvite): NewInviteView {
  return {
    id: invite.id.toString('hex'), code: invite.code, link: invite.links.link, obsidianLink: invite.links.obsidian,
    role: invite.role, name: invite.name, expires: invite.expires,
  };
}

function inviteView(invite: IssuedInvite): InviteView {
  return {
    id: invite.id.toString('hex'), role: invite.role, name: invite.name, expires: invite.expires, createdAt: invite.createdAt,
    status: invite.status, usedBy: invite.usedBy ? z32.encode(invite.usedBy) : null, code: invite.code,
    link: invite.links?.link ?? null, obsidianLink: invite.links?.obsidian ?? null,
  };
}
