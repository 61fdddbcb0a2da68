// The long-running commands: `share`, `subscribe` and `seed` (and, through `servePeer`, `invite` and
// `join`). Each opens the peer, resumes everything it already shares and follows, does its own step,
// then serves until SIGINT or SIGTERM.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import z32 from 'z32';
import { Peer, type KnowledgeBaseStatus } from '../peer/peer';
import { parseShareLink } from '../net/share-link';
import { UsageError, type ParsedCommandLine } from './options';
import { progressLine, type Output } from './output';
import { buyNotes } from './buy-notes';
import { railFromOption } from './wallet-option';

/** Where a running peer publishes its live state for `tzimtzum status`. */
export function statusFileOf(dataDir: string): string {
  return path.join(dataDir, 'status.json');
}

/** Run one of the serving commands until a signal arrives. */
export async function serveCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  const { command, args } = cli;
  if (command === 'share' && args.length !== 1) throw new UsageError('Usage: tzimtzum share <folder>');
  if (command === 'subscribe' && args.length !== 2) throw new UsageError('Usage: tzimtzum subscribe <link> <folder> [--lazy]');
  if (command === 'seed' && args.length === 0) throw new UsageError('Usage: tzimtzum seed <link>...');
  if (command !== 'share') for (const link of command === 'seed' ? args : [args[0]]) parseShareLink(link); // fail fast on a bad link

  await servePeer(cli, out, async (peer, control) => {
    if (command === 'share') {
      const shared = await peer.share(args[0], { title: flag(cli, 'title'), description: flag(cli, 'description'), author: flag(cli, 'author'), ignore: flag(cli, 'ignore')?.split(','), kb: flag(cli, 'kb') });
      // The link alone on its own line, so scripts can take it with `head -1` or a line reader.
      if (out.json) out.event({ event: 'shared', id: shared.id, link: shared.link, title: shared.title, folder: shared.folder });
      else process.stdout.write(`${shared.link}\n`);
      out.say(`Sharing "${shared.title}" from ${shared.folder}. Press Ctrl-C to stop.`);
    } else if (command === 'subscribe') {
      const followed = await peer.subscribe(args[0], args[1], { mode: cli.flags.lazy ? 'lazy' : 'full' });
      out.say(`Following "${followed.title}" into ${followed.folder} (${followed.mode} mode). Press Ctrl-C to stop.`, { event: 'subscribed', id: followed.id, folder: followed.folder, mode: followed.mode });
      const notes = flag(cli, 'buy')?.split('\n').filter(Boolean) ?? [];
      if (notes.length > 0) void buyNotes(peer, followed.id, notes, out, { maxFeeSats: Number(flag(cli, 'max-fee') ?? 100), stopped: control.stopped });
    } else {
      for (const link of args) {
        const seeded = await peer.subscribe(link, null);
        out.say(`Seeding ${seeded.id}.`, { event: 'seeding', id: seeded.id });
      }
    }
  });
}

/** How a serving command's own step ends the serving early. */
export interface ServeControl {
  /** Stop serving; with an error, the command then fails with it. */
  stop: (err?: Error) => void;
  stopped: () => boolean;
}

/**
 * Open the peer, resume everything it shares and follows, run `step`, then serve (publishing live state
 * for `tzimtzum status`) until SIGINT or SIGTERM, or until the step calls `stop`.
 */
export async function servePeer(cli: ParsedCommandLine, out: Output, step: (peer: Peer, control: ServeControl) => Promise<void>): Promise<void> {
  const peer = await Peer.open({
    dataDir: cli.global.dataDir, bootstrap: cli.global.bootstrap, command: `tzimtzum ${cli.command}`,
    rails: (identity) => {
      const rail = railFromOption(cli.global.wallet, identity);
      return { seller: rail, buyer: rail };
    },
  });
  let stopped = false;
  const outcome: { failure: Error | null } = { failure: null };
  let stopEarly!: () => void;
  const early = new AbortController();
  const stop = Promise.race([onceSignalled(early.signal), new Promise<void>((resolve) => { stopEarly = resolve; })]).then(() => { stopped = true; });
  const control: ServeControl = {
    stop: (err) => {
      outcome.failure ??= err ?? null;
      stopEarly();
      early.abort();
    },
    stopped: () => stopped,
  };
  try {
    report(peer, out);
    await peer.resume();
    await step(peer, control);
    const writer = setInterval(() => void writeStatus(peer), 2000);
    await writeStatus(peer);
    await stop;
    clearInterval(writer);
    out.say('Stopping…', { event: 'stopping' });
  } finally {
    control.stop();
    await peer.close();
    await fs.rm(statusFileOf(cli.global.dataDir), { force: true });
  }
  if (outcome.failure) throw outcome.failure;
}

/** Why deletions wait for confirmation, by where they came from. */
const HELD_DELETIONS_CAUSE = {
  share: 'your folder lost many files',
  'co-edit': 'another writer deleted many files',
  mount: 'the author removed many files',
} as const;

function report(peer: Peer, out: Output): void {
  peer.on('mirror-progress', (id, p) => {
    if (p.phase === 'done') return;
    out.say(progressLine(`Publishing ${id.slice(0, 8)}`, p.filesChanged, p.filesScanned), { event: 'mirror-progress', id, ...p });
  });
  peer.on('mount-progress', (id, p) => {
    out.say(progressLine(`Syncing ${id.slice(0, 8)} (${p.phase})`, p.files, p.totalFiles), { event: 'mount-progress', id, ...p });
  });
  peer.on('synced', (id, s) => {
    if (s.written + s.removed + s.moved === 0 && s.errors.length === 0) return;
    out.say(`Synced ${id.slice(0, 8)}: ${s.written} written, ${s.moved} moved, ${s.removed} removed${s.errors.length ? `, ${s.errors.length} not written yet` : ''}.`, {
      event: 'synced', id, written: s.written, moved: s.moved, removed: s.removed, changes: s.changes, errors: s.errors,
    });
  });
  peer.on('restored', (id, drift) => out.say(`Restored ${drift.path}${drift.conflictCopy ? `; your version is in ${drift.conflictCopy}` : ''}.`, { event: 'restored', id, ...drift }));
  peer.on('rejected', (id, rejections) => {
    for (const r of rejections.slice(0, 20)) out.say(`Not written: ${r.path}: ${r.message}`, { event: 'rejected', id, ...r });
    if (rejections.length > 20) out.say(`…and ${rejections.length - 20} more entries not written.`);
  });
  peer.on('deletions-held', (id, held) => out.say(
    `${held.count} deletions in ${id.slice(0, 8)} are waiting for confirmation (${HELD_DELETIONS_CAUSE[held.side]}). Nothing was deleted.`,
    { event: 'deletions-held', id, ...held, paths: held.paths.slice(0, 50) }));
  peer.on('error', (id, message) => out.error(message, { id }));
  peer.paywall.on('unlocked', (id, noteId) => out.say(`Unlocked a paid note of ${id.slice(0, 8)}.`, { event: 'unlocked', id, noteId }));
  peer.paywall.on('purchase', (p) => out.event({ event: 'purchase', id: p.kbId, noteId: p.noteId, state: p.state, failure: p.failure }));
  peer.swarm.on('connection', (key) => out.event({ event: 'peer-connected', peer: key.toString('hex').slice(0, 16) }));
  peer.on('co-edit', (id, change) => {
    if (change.type === 'kept-local') {
      out.say(`${change.path} changed on another writer's device while you edited it here; your edit is merged with theirs (where you both changed the same lines, yours is kept beside it as a conflict copy).`, { event: 'co-edit', id, ...change });
    } else {
      const code = change.newCode ? ' It now holds code that plugins such as Dataview or Templater run when the note is opened: check it before opening it in Obsidian.' : '';
      out.say(`From another writer: ${change.type === 'put' ? 'wrote' : 'removed'} ${change.path}.${code}`, { event: 'co-edit', id, ...change });
    }
  });
  peer.on('writer-added', (id, writer) => out.say(`A new writer joined ${id.slice(0, 8)} as ${writer.role === 'owner' ? 'an owner' : 'a co-author'}: ${z32.encode(writer.key)}.`, { event: 'writer-added', id, key: z32.encode(writer.key), role: writer.role }));
}

async function writeStatus(peer: Peer): Promise<void> {
  const file = statusFileOf(peer.dataDir);
  const body: { pid: number; updatedAt: number; knowledgeBases: KnowledgeBaseStatus[] } = { pid: process.pid, updatedAt: Date.now(), knowledgeBases: peer.list() };
  await fs.writeFile(`${file}.tmp`, JSON.stringify(body)).then(() => fs.rename(`${file}.tmp`, file)).catch(() => undefined);
}

/** A string flag's value, if given. */
export function flag(cli: ParsedCommandLine, name: string): string | undefined {
  const value = cli.flags[name];
  return typeof value === 'string' ? value : undefined;
}

/** Resolves on SIGINT or SIGTERM, or when `cancel` aborts (the listeners are removed either way). */
function onceSignalled(cancel: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      cancel.removeEventListener('abort', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    cancel.addEventListener('abort', done);
  });
}
