// blind-pairing: one-time invites redeemed over Hyperswarm (a member answers a candidate that proves it
// holds the invite). Only what Tzimtzum uses, as read from the installed 2.3.1 sources.
declare module 'blind-pairing' {
  import type { EventEmitter } from 'node:events';
  import type Hyperswarm from 'hyperswarm';

  /** The fields an invite buffer carries; `expires` is epoch ms rounded down to a second, 0 for none. */
  export interface InviteFields {
    seed: Buffer;
    discoveryKey: Buffer | null;
    expires: number;
    sensitive: boolean;
    testInvitation: boolean;
    additionalNodes: { host: string; port: number }[] | null;
  }

  export interface CreatedInvite {
    /** The invite id: a hash of `publicKey`, which candidates' requests name. */
    id: Buffer;
    /** The encoded invite (seed, discovery key, expiry): what the invitee receives. */
    invite: Buffer;
    seed: Buffer;
    /** Opens requests made with this invite; the member keeps it. */
    publicKey: Buffer;
    discoveryKey: Buffer;
    expires: number;
  }

  /** The member's view of one pairing request. */
  export interface MemberRequest {
    readonly inviteId: Buffer;
    discoveryKey: Buffer | null;
    /** Set by `open`. */
    readonly userData: Buffer | null;
    /** Decrypts the request and checks it was signed with the invite's secret; throws otherwise. */
    open(publicKey: Uint8Array): Buffer;
    confirm(opts: { key: Uint8Array; encryptionKey?: Uint8Array | null }): void;
    /** Status 1 rejected, 2 invite used, 3 invite expired; 0 sends nothing. Only after `open`. */
    deny(opts?: { status?: number }): void;
  }

  /** A rejection as the candidate receives it; `code` is PAIRING_REJECTED, INVITE_USED or INVITE_EXPIRED. */
  export interface PairingError extends Error {
    code: string;
  }

  export interface CandidateRequest extends EventEmitter {
    readonly discoveryKey: Buffer;
    readonly inviteId: Buffer;
    on(event: 'rejected', listener: (err: PairingError) => void): this;
    on(event: 'accepted', listener: (auth: PairingResult) => void): this;
  }

  export interface PairingResult {
    key: Buffer;
    encryptionKey: Buffer | null;
    data: Buffer | null;
  }

  export interface Member {
    readonly discoveryKey: Buffer;
    readonly closed: boolean;
    ready(): Promise<void>;
    flushed(): Promise<void>;
    close(): Promise<void>;
  }

  export interface Candidate {
    readonly request: CandidateRequest;
    readonly paired: PairingResult | null;
    readonly closed: boolean;
    ready(): Promise<void>;
    close(): Promise<void>;
  }

  export default class BlindPairing extends EventEmitter {
    constructor(swarm: Hyperswarm, opts?: { poll?: number });
    static createInvite(key: Uint8Array, opts?: { discoveryKey?: Uint8Array; expires?: number; seed?: Uint8Array }): CreatedInvite;
    /** Throws on a buffer that is not an invite. */
    static decodeInvite(invite: Uint8Array): InviteFields & { id: Buffer };
    readonly swarm: Hyperswarm;
    readonly closed: boolean;
    readonly closing: Promise<void> | null;
    ready(): Promise<void>;
    close(): Promise<void>;
    suspend(): Promise<void>;
    resume(): void;
    /** Throws when a member for this discovery key already exists on this instance. */
    addMember(opts: { discoveryKey: Buffer; announce?: boolean; onadd: (request: MemberRequest) => void | Promise<void> }): Member;
    /** Throws when a candidate for this discovery key already exists on this instance. */
    addCandidate(opts: { invite: Uint8Array; userData: Uint8Array; discoveryKey?: Buffer; onadd?: (result: PairingResult) => void | Promise<void> }): Candidate;
  }
}
