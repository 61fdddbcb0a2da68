// The writer commands: `invite` and `join` (which keep serving, like `share`), `writers`,
// `remove-writer` and `revoke-invite`. They go through the same writer calls as the plugin (LocalWriterApi), so checks,
// messages and error codes match.
import path from 'node:path';
import { LocalWriterApi, type NewInviteView, type WriterView } from '../peer/peer-api-writers';
import { Peer, PeerError, type KnowledgeBaseStatus } from '../peer/peer';
import type { WriterRole } from '../engine/writers';
import { isExpired, parseInvite } from '../writers/invite-code';
import { PeerApiError } from '../peer/peer-api-error';
import { UsageError, type ParsedCommandLine } from './options';
import type { Output } from './output';
import { flag, servePeer } from './serve-command';

const DEFAULT_JOIN_TIMEOUT_S = 30;

/** `invite <folder|id>`: create an invite, print it, and serve until a signal (exit 1 if it expires unused). */
export async function inviteCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 1) throw new UsageError('Usage: tzimtzum invite <folder|id> [--role owner|author] [--expires 1h|1d|7d] [--name <name>]');
  const role = roleOf(flag(cli, 'role'));
  const expiresInMs = durationOf(flag(cli, 'expires') ?? '1d');
  const name = flag(cli, 'name');
  await servePeer(cli, out, async (peer, control) => {
    const writers = writerApi(peer);
    const kb = shareNamed(peer, cli.args[0]);
    const invite = await writers.inviteWriter(kb.id, { role, expiresInMs, name });
    printInvite(out, kb, invite);
    // Answered only while this process runs: say so, and report when it is used or runs out.
    const watch = async () => {
      const issued = (await writers.invites(kb.id)).find((candidate) => candidate.id === invite.id);
      if (issued?.status === 'used') {
        clearTimeout(expiry);
        peer.off('writer-added', onAdded);
        out.say(`The invite was used: ${invite.name ?? 'the new device'} (${issued.usedBy}) now writes "${kb.title}". Still serving; press Ctrl-C to stop.`, { event: 'invite-used', id: kb.id, invite: invite.id, key: issued.usedBy });
      } else if (issued?.status !== 'pending') {
        control.stop(new CommandError('invite-expired', `The invite ${issued?.status === 'revoked' ? 'was revoked' : 'expired'} before anyone used it. Run invite again for a new one.`));
      }
    };
    const onAdded = (id: string) => {
      if (id === kb.id) void watch().catch((err: unknown) => out.error(String(err)));
    };
    peer.on('writer-added', onAdded);
    const expiry = setTimeout(() => void watch().catch((err: unknown) => control.stop(err as Error)), Math.max(0, invite.expires - Date.now()) + 1000);
    expiry.unref();
    out.say(`Keep this running until the other device has joined: only this device answers the invite. Press Ctrl-C to stop.`);
  });
}

/** `join <code|link> <folder>`: redeem the invite, then serve like `share`. */
export async function joinCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 2) throw new UsageError('Usage: tzimtzum join <code|link> <folder> [--timeout <seconds>]');
  const [code, folder] = cli.args;
  const timeoutS = Number(flag(cli, 'timeout') ?? DEFAULT_JOIN_TIMEOUT_S);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout is a number of seconds, like 30.');
  // Fail fast, before opening anything, on text that is not an invite or an invite that ran out.
  const invite = parseInvite(code);
  if (isExpired(invite)) throw new PeerApiError('invite-expired', `This invite expired on ${new Date(invite.expires).toISOString()}. Ask the owner for a new invite.`);
  await servePeer(cli, out, async (peer) => {
    out.say('Asking the owner\'s device… (it must be online with Tzimtzum running)', { event: 'joining' });
    const joined = await writerApi(peer).joinAsWriter(code, folder, { timeoutMs: timeoutS * 1000 });
    out.say(`Joined "${joined.title}" as a writer. Its notes sync into ${joined.folder}; what you write there reaches the other writers. Press Ctrl-C to stop.`, {
      event: 'joined', id: joined.id, title: joined.title, folder: joined.folder,
    });
  });
}

/** `writers <folder|id>`: the writers as this device knows them. */
export async function writersCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 1) throw new UsageError('Usage: tzimtzum writers <folder|id>');
  await withShare(cli, cli.args[0], async (peer, kb) => {
    const api = writerApi(peer);
    const writers = await api.writers(kb.id);
    const invites = await api.invites(kb.id);
    if (out.json) {
      out.event({ event: 'writers', id: kb.id, title: kb.title, writers, invites });
      return;
    }
    out.say(`Writers of "${kb.title}" (as this device knows them):`);
    for (const writer of writers) out.say(`  ${writer.key}  ${describe(writer)}`);
    const pending = invites.filter((invite) => invite.status === 'pending');
    if (pending.length === 0) return;
    out.say(`Invites not used yet (revoke one with "tzimtzum revoke-invite ${cli.args[0]} <invite id>"):`);
    for (const invite of pending) {
      out.say(`  ${invite.id}  ${invite.role}${invite.name ? `, "${invite.name}"` : ''}, expires ${new Date(invite.expires).toISOString()}`);
    }
  });
}

/** `revoke-invite <folder|id> <invite id>`: make an unused invite worthless. */
export async function revokeInviteCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 2) throw new UsageError('Usage: tzimtzum revoke-invite <folder|id> <invite id>');
  const inviteId = cli.args[1];
  if (!/^[0-9a-f]{64}$/u.test(inviteId)) throw new UsageError(`"${inviteId}" is not an invite id. Run "tzimtzum writers ${cli.args[0]}" to see them.`);
  await withShare(cli, cli.args[0], async (peer, kb) => {
    const api = writerApi(peer);
    const invite = (await api.invites(kb.id)).find((candidate) => candidate.id === inviteId);
    if (!invite) throw new CommandError('unknown-invite', `"${kb.title}" has no invite ${inviteId}. Run "tzimtzum writers ${cli.args[0]}" to see them.`);
    if (invite.status !== 'pending') throw new CommandError('invite-not-pending', `That invite was already ${invite.status}; there is nothing to revoke.`);
    await api.revokeInvite(inviteId);
    out.say(`Revoked the invite ${inviteId} to "${kb.title}": its code no longer adds anyone.`, { event: 'invite-revoked', id: kb.id, invite: inviteId });
  });
}

/** `remove-writer <folder|id> <key>`: stop a writer's future changes. */
export async function removeWriterCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 2) throw new UsageError('Usage: tzimtzum remove-writer <folder|id> <writer key>');
  const key = cli.args[1];
  if (!/^[a-z0-9]{52}$/u.test(key)) throw new UsageError(`"${key}" is not a writer key. Run "tzimtzum writers <folder|id>" to see them.`);
  await withShare(cli, cli.args[0], async (peer, kb) => {
    await writerApi(peer).removeWriter(kb.id, key);
    out.say(`Removed ${key} from "${kb.title}". Its later changes are ignored; what it wrote stays. Other devices learn of it when they next sync with this one (keep "tzimtzum share" running).`, {
      event: 'writer-removed', id: kb.id, key,
    });
  });
}

/** An error with a code for --json output; the command exits 1. */
class CommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Open the peer and just the one shared knowledge base, run `use`, close. */
async function withShare(cli: ParsedCommandLine, target: string, use: (peer: Peer, kb: KnowledgeBaseStatus) => Promise<void>): Promise<void> {
  const peer = await Peer.open({ dataDir: cli.global.dataDir, bootstrap: cli.global.bootstrap, command: `tzimtzum ${cli.command}` });
  peer.on('error', () => undefined); // background retries; this short command reports only its own outcome
  try {
    const kb = shareNamed(peer, target);
    // Reopening the share (not everything, as `resume` would) is enough to read and change its writers.
    await peer.share(kb.folder!);
    await use(peer, kb);
  } finally {
    await peer.close();
  }
}

/** The knowledge base this device writes, by id or by folder; throws with what to do otherwise. */
function shareNamed(peer: Peer, target: string): KnowledgeBaseStatus {
  const resolved = path.resolve(target);
  const match = peer.list().find((kb) => kb.id === target || kb.folder === resolved);
  if (!match) throw new PeerError('unknown-kb', `"${target}" is not a knowledge base of this device. Give a shared folder or its id (see "tzimtzum status").`);
  if (match.role !== 'shared') throw new CommandError('not-writer', `You follow "${match.title}" read-only; only its writers can do this.`);
  return match;
}

function writerApi(peer: Peer): LocalWriterApi {
  return new LocalWriterApi(() => peer, () => undefined);
}

function printInvite(out: Output, kb: KnowledgeBaseStatus, invite: NewInviteView): void {
  if (out.json) {
    out.event({ event: 'invite', id: kb.id, title: kb.title, invite: invite.id, code: invite.code, link: invite.link, obsidianLink: invite.obsidianLink, role: invite.role, name: invite.name, expires: invite.expires });
    return;
  }
  // The code alone on the first line, so scripts can take it with `head -1`.
  process.stdout.write(`${invite.code}\n`);
  out.say(`Invite to write "${kb.title}" as ${invite.role === 'owner' ? 'an owner (another device of yours)' : 'a co-author'}${invite.name ? ` for ${invite.name}` : ''}.`);
  out.say(`  Link:          ${invite.link}`);
  out.say(`  Obsidian link: ${invite.obsidianLink}`);
  out.say(`  Expires:       ${new Date(invite.expires).toISOString()}`);
  out.say('On the other device: tzimtzum join <code> <new folder>, or open the Obsidian link, or run "Join as writer" in Obsidian. The code works once.');
}

function describe(writer: WriterView): string {
  const parts = [writer.role === 'owner' ? 'owner' : 'co-author'];
  if (writer.name) parts.push(`"${writer.name}"`);
  if (writer.creator) parts.push('created it');
  if (writer.self) parts.push('this device');
  if (!writer.active) parts.push('removed');
  return parts.join(', ');
}

function roleOf(value: string | undefined): WriterRole {
  if (value === undefined || value === 'author') return 'author';
  if (value === 'owner') return 'owner';
  throw new UsageError(`--role is "owner" (another device of yours) or "author" (a co-author), not "${value}".`);
}

/** `30m`, `1h`, `1d`, `7d` as milliseconds. */
function durationOf(value: string): number {
  const match = /^(\d+)([mhd])$/u.exec(value);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[match?.[2] as 'm' | 'h' | 'd'];
  if (!match || !unit || Number(match[1]) <= 0) throw new UsageError(`--expires is a duration like 1h, 1d or 7d (at most 7d), not "${value}".`);
  return Number(match[1]) * unit;
}
