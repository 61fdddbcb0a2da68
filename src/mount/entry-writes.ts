// Writing planned entries into a mount's folder: each file's bytes are read (fetched in full mode; in lazy
// mode only what is already here, a note otherwise becoming a stub), rendered, written in parallel slices,
// and remembered in the mount's state. Memory stays bounded by the slice, however large the knowledge base.
import { BlobUnavailableError } from '../engine/blob-store';
import { contentHash } from '../engine/content-hash';
import type { FileEntry, KnowledgeBase } from '../engine/knowledge-base';
import { BlobPrefetch } from './blob-prefetch';
import type { MountFileSystem, WriteJob } from './file-writer';
import { hasStub, lazyStub } from './mount-files';
import type { Planned } from './mount-screen';
import type { MountState } from './mount-state';
import type { MountProgress, NoteRenderer, SyncSummary } from './mount-types';

/** What writing needs of its mount. */
export interface EntryWriteContext {
  kb: KnowledgeBase;
  files: MountFileSystem;
  state: MountState;
  render: NoteRenderer | undefined;
  fetchTimeoutMs: number;
  /** Stops between slices once the mount closes. */
  closed: () => boolean;
  progress: (progress: MountProgress) => void;
}

/** Write `plan` (entries already screened by the path policy and caps), recording results in `summary`. */
export async function writeEntries(ctx: EntryWriteContext, plan: Planned[], summary: SyncSummary, opts: { fetch: boolean; prefetch?: BlobPrefetch }): Promise<void> {
  if (plan.length === 0) return;
  const totalBytes = plan.reduce((sum, planned) => sum + planned.entry.size, 0);
  const progress: MountProgress = { phase: opts.fetch ? 'downloading' : 'writing', files: 0, totalFiles: plan.length, bytes: 0, totalBytes };
  ctx.progress({ ...progress });
  // Full mode: all data local first (a full sync started the download already), then writing.
  if (opts.fetch) await (opts.prefetch ?? BlobPrefetch.start(ctx.kb, plan.map((planned) => planned.entry))).settled(ctx.fetchTimeoutMs);
  // Read in slices so memory stays bounded however large the knowledge base is.
  const SLICE = 256;
  for (let start = 0; start < plan.length && !ctx.closed(); start += SLICE) {
    const slice = plan.slice(start, start + SLICE);
    const jobs: (WriteJob & { planned: Planned; stub: boolean; written?: Buffer })[] = [];
    await Promise.all(slice.map(async (planned) => {
      const { entry } = planned;
      // Full mode reads (and so fetches) everything; lazy mode only what is already here.
      const local = opts.fetch || (entry.blob ? await ctx.kb.blobs.has(entry.blob) : await ctx.kb.hasMergedText(entry));
      if (!local) {
        // Lazy: a stub for a note, nothing yet for an attachment.
        if (hasStub(entry)) jobs.push({ path: planned.disk, bytes: lazyStub(entry), planned, stub: true });
        else recordAbsent(ctx.state, planned);
        return;
      }
      try {
        const bytes = await ctx.kb.read(entry, { timeout: ctx.fetchTimeoutMs });
        const rendered = renderFor(ctx.render, entry, bytes);
        // The read verified the bytes against the entry's hash: rehash only what a renderer changed.
        const written = rendered === bytes ? entry.hash : contentHash(rendered);
        jobs.push({ path: planned.disk, bytes: rendered, written, mtime: entry.mtime, planned, stub: false });
      } catch (err) {
        const unavailable = err instanceof BlobUnavailableError || (err instanceof Error && /timeout|timed out/i.test(err.message));
        if (unavailable) summary.unavailable++;
        const message = unavailable ? `No peer has "${entry.path}" right now; it will be written when one does.` : errorMessage(err);
        summary.errors.push({ path: planned.disk, message });
      }
    }));
    progress.phase = 'writing';
    const errors = await ctx.files.writeMany(jobs, (job) => {
      const { planned, stub, written } = job as (typeof jobs)[number];
      ctx.state.remember(planned.disk, {
        source: planned.entry.path,
        hash: planned.entry.hash.toString('hex'),
        written: (written ?? contentHash(job.bytes)).toString('hex'),
        size: planned.entry.size,
        stub,
      });
      summary.written++;
      summary.changes.push({ type: 'write', path: planned.disk });
      progress.files++;
      progress.bytes += planned.entry.size;
    });
    for (const { path, error } of errors) summary.errors.push({ path, message: error.message });
    ctx.progress({ ...progress });
  }
}

/** A lazy attachment: known to the mount, nothing on disk until fetched. */
function recordAbsent(state: MountState, planned: Planned): void {
  state.remember(planned.disk, {
    source: planned.entry.path,
    hash: planned.entry.hash.toString('hex'),
    written: '',
    size: planned.entry.size,
    stub: true,
  });
}

/** Notes go through the renderer (paid-note stubs, neutralized code); attachments never do. */
function renderFor(render: NoteRenderer | undefined, entry: FileEntry, bytes: Uint8Array): Uint8Array {
  return entry.kind !== 'attachment' && render ? render(entry, bytes) : bytes;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
