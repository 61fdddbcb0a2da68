// `tzimtzum status` and `tzimtzum unsubscribe`.
import { promises as fs } from 'node:fs';
import z32 from 'z32';
import { formatBytes } from '../engine/format-bytes';
import { parseShareLink } from '../net/share-link';
import { Peer, type KnowledgeBaseStatus } from '../peer/peer';
import { UsageError, type ParsedCommandLine } from './options';
import type { Output } from './output';
import { statusFileOf } from './serve-command';

/** Print what this data folder shares and follows; live network state comes from a running peer. */
export async function statusCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  const live = await readLiveStatus(cli.global.dataDir);
  let list: KnowledgeBaseStatus[];
  let running: number | null = null;
  if (live) {
    list = live.knowledgeBases;
    running = live.pid;
  } else {
    const peer = await Peer.open({ dataDir: cli.global.dataDir, bootstrap: cli.global.bootstrap, command: 'tzimtzum status' });
    try {
      list = peer.list();
    } finally {
      await peer.close();
    }
  }
  if (out.json) {
    out.event({ event: 'status', running, knowledgeBases: list });
    return;
  }
  out.say(running ? `Peer running (pid ${running}).` : 'No peer is running for this data folder (showing stored state; run share, subscribe or seed to go online).');
  if (list.length === 0) out.say('Nothing shared or followed yet. Try: tzimtzum share <folder>');
  for (const kb of list) {
    const net = kb.network ? `${kb.network.peers} peer(s), ↑${formatBytes(kb.network.bytesUp)} ↓${formatBytes(kb.network.bytesDown)}, last sync ${kb.network.lastSync ? new Date(kb.network.lastSync).toISOString() : 'never'}` : 'offline';
    out.say(`${kb.role.padEnd(10)} ${kb.title}  ${kb.folder ?? '(no folder)'}\n           ${kb.link}\n           version ${kb.version}${kb.files !== null ? `, ${kb.files} files` : ''}${kb.paused ? ', paused' : ''}; ${net}${kb.upgradeNeeded ? `\n           ${kb.upgradeNeeded}` : ''}`);
  }
}

/** Stop following a knowledge base, by id or link. */
export async function unsubscribeCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  if (cli.args.length !== 1) throw new UsageError('Usage: tzimtzum unsubscribe <id|link>');
  const arg = cli.args[0];
  const id = /^[a-z0-9]{52}$/.test(arg) ? arg : z32.encode(parseShareLink(arg).key);
  const peer = await Peer.open({ dataDir: cli.global.dataDir, bootstrap: cli.global.bootstrap, command: 'tzimtzum unsubscribe' });
  try {
    await peer.unsubscribe(id);
  } finally {
    await peer.close();
  }
  out.say(`Unsubscribed from ${id}. Its files stay where they are; delete them if you no longer want them.`, { event: 'unsubscribed', id });
}

async function readLiveStatus(dataDir: string): Promise<{ pid: number; knowledgeBases: KnowledgeBaseStatus[] } | null> {
  const text = await fs.readFile(statusFileOf(dataDir), 'utf8').catch(() => null);
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { pid: number; updatedAt: number; knowledgeBases: KnowledgeBaseStatus[] };
    const alive = (() => { try { process.kill(parsed.pid, 0); return true; } catch { return false; } })();
    return alive && Date.now() - parsed.updatedAt < 10_000 ? parsed : null;
  } catch {
    return null;
  }
}

/** Restore the knowledge bases of a reused device index from peers, then say how to attach their folders. */
export async function recoverCommand(cli: ParsedCommandLine, out: Output): Promise<void> {
  const peer = await Peer.open({ dataDir: cli.global.dataDir, bootstrap: cli.global.bootstrap, command: 'tzimtzum recover' });
  try {
    out.say('Looking for peers that hold this device\'s knowledge bases…');
    const found = await peer.recover();
    if (found.length === 0) out.say('No peer had a knowledge base of this device. Nothing to restore; you can share new folders now.', { event: 'recovered', knowledgeBases: [] });
    else out.say(`Restored ${found.length} knowledge base(s). Attach each to its folder:\n${found.map((kb) => `  tzimtzum share <folder> --kb ${kb.id}   # ${kb.title}`).join('\n')}`, { event: 'recovered', knowledgeBases: found });
  } finally {
    await peer.close();
  }
}
