// A shared folder at work: the mirror that publishes its edits, and the co-editor that brings in other
// writers' changes, both measured against the same record of what the folder last agreed with.
import type { Identity } from '../engine/identity';
import type { KnowledgeBase } from '../engine/knowledge-base';
import { CoEditor } from '../mirror/co-editor';
import { FolderMirror } from '../mirror/folder-mirror';
import type { FolderEventSource, FolderReader } from '../mirror/folder-source';
import { SyncedVersions } from '../mirror/synced-versions';
import type { MountFileSystem } from '../mount/file-writer';
import { PaidNotePublisher } from '../paywall/paid-publisher';

export interface SharedFolderOptions {
  kb: KnowledgeBase;
  identity: Identity;
  reader: FolderReader;
  events: FolderEventSource;
  files: MountFileSystem;
  ignore: readonly string[];
  debounceMs: number;
  /** Where the record of synced versions lives (in the data folder). */
  syncedFile: string;
  /** A device that just joined starts with nothing synced (its folder is new), not from the view. */
  fresh?: boolean;
  /** More deletions at once than this (made here or by another writer) wait for `confirmDeletions()`. */
  massDeleteThreshold?: number;
}

export class SharedFolder {
  private constructor(readonly mirror: FolderMirror, readonly coEditor: CoEditor, private readonly synced: SyncedVersions) {}

  static async open(opts: SharedFolderOptions): Promise<SharedFolder> {
    const synced = await SyncedVersions.open(opts.syncedFile, opts.kb, { fresh: opts.fresh });
    const publisher = new PaidNotePublisher({ identity: opts.identity, kb: opts.kb });
    const { massDeleteThreshold } = opts;
    const mirror = new FolderMirror({ kb: opts.kb, folder: opts.reader, events: opts.events, ignore: opts.ignore, debounceMs: opts.debounceMs, publisher, baseline: synced, massDeleteThreshold });
    const coEditor = new CoEditor({ kb: opts.kb, mirror, synced, files: opts.files, ignore: opts.ignore, massDeleteThreshold });
    return new SharedFolder(mirror, coEditor, synced);
  }

  /** Publish what changed while closed, then follow both the folder and the other writers. */
  async start(): Promise<void> {
    await this.mirror.start();
    this.coEditor.start();
  }

  /** Apply the deletions held on both sides: files that vanished here, and files another writer deleted. */
  async confirmDeletions(): Promise<number> {
    return (await this.mirror.confirmDeletions()) + (await this.coEditor.confirmDeletions());
  }

  async close(): Promise<void> {
    await this.coEditor.close();
    await this.mirror.close();
    await this.synced.save();
  }
}
