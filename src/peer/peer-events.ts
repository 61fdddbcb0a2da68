// What a peer reports, and the relays that turn its folders' and mounts' events into it, each tagged with
// the knowledge base it concerns.
import type { EventEmitter } from 'node:events';
import type { MirrorProgress } from '../mirror/folder-mirror';
import type { DriftRestored, Mount, MountProgress, SyncSummary } from '../mount/mount';
import type { PathRejection } from '../mount/path-policy';
import type { TopicStatus } from '../net/swarm';
import type { WriterRole } from './co-authoring';
import type { SharedFolder } from './shared-folder';

export type PeerEvents = {
  status: [id: string, status: TopicStatus];
  'mirror-progress': [id: string, progress: MirrorProgress];
  'mount-progress': [id: string, progress: MountProgress];
  synced: [id: string, summary: SyncSummary];
  restored: [id: string, drift: DriftRestored];
  rejected: [id: string, rejections: PathRejection[]];
  /** Mass deletions waiting for confirmation: from this folder ('share'), by the author ('mount') or by another writer ('co-edit'). */
  'deletions-held': [id: string, held: { count: number; paths: string[]; side: 'share' | 'mount' | 'co-edit' }];
  /**
   * Another writer's change reached a shared folder ('kept-local': it met a local edit, which is merged
   * instead); `newCode`: the note now holds more code that plugins run than before.
   */
  'co-edit': [id: string, change: { path: string; type: 'put' | 'delete' | 'kept-local'; newCode?: boolean }];
  'writer-added': [id: string, writer: { key: Buffer; role: WriterRole }];
  error: [id: string | null, message: string];
};

/** A shared folder's publishing, co-editing, held deletions and errors, as the peer's events. */
export function relaySharedFolderEvents(peer: EventEmitter<PeerEvents>, id: string, folder: SharedFolder): void {
  const { mirror, coEditor } = folder;
  coEditor.on('written', (change) => peer.emit('co-edit', id, change));
  coEditor.on('kept-local', (path) => peer.emit('co-edit', id, { path, type: 'kept-local' }));
  coEditor.on('deletions-held', (held) => peer.emit('deletions-held', id, { ...held, side: 'co-edit' }));
  coEditor.on('error', ({ path, message }) => peer.emit('error', id, path ? `${path}: ${message}` : message));
  mirror.on('progress', (progress) => peer.emit('mirror-progress', id, progress));
  mirror.on('deletions-held', (held) => peer.emit('deletions-held', id, { count: held.count, paths: held.paths, side: 'share' }));
  mirror.on('error', ({ path, message }) => peer.emit('error', id, path ? `${path}: ${message}` : message));
}

/** A mount's progress, syncs, restored drift, rejections, held deletions and errors, as the peer's events. */
export function relayMountEvents(peer: EventEmitter<PeerEvents>, id: string, mount: Mount): void {
  mount.on('progress', (progress) => peer.emit('mount-progress', id, progress));
  mount.on('synced', (summary) => peer.emit('synced', id, summary));
  mount.on('restored', (drift) => peer.emit('restored', id, drift));
  mount.on('rejected', (rejections) => peer.emit('rejected', id, rejections));
  mount.on('deletions-held', (held) => peer.emit('deletions-held', id, { ...held, side: 'mount' }));
  mount.on('error', (err) => peer.emit('error', id, err.message));
}
