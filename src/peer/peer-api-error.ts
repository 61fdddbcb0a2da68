// The errors the PeerApi throws: a code the UI can branch on and a message it can show as it is.

/** What went wrong, for the UI to branch on. */
export type PeerApiErrorCode =
  | 'not-running' | 'no-identity' | 'identity-exists' | 'not-found' | 'no-peer' | 'no-wallet' | 'wallet' | 'bad-request'
  // Writers and invites (peer-api-writers.ts).
  | 'not-owner' | 'invite-expired' | 'invite-used' | 'invite-refused' | 'timeout' | 'folder-in-use' | 'conflict' | 'damaged-state';

/** Errors the UI can act on. */
export class PeerApiError extends Error {
  constructor(readonly code: PeerApiErrorCode, message: string) {
    super(message);
  }
}
