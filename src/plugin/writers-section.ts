// The writers of a shared knowledge base in its sidebar card: each device and co-author (name or short
// key, role, this device, removed ones marked), with "Remove" for owners, and the invites still waiting
// to be used, with "Show" and "Revoke". It draws at once from what it last loaded, then reloads and asks
// the view to redraw only when something changed, so cards never flicker.
import type { InviteView, PeerApi, WriterView } from '../peer/peer-api';
import type { IndexedKnowledgeBase } from './knowledge-base-index';
import type { WriterActions } from './writer-actions';
import { writerLabel } from './writer-actions';

interface Loaded {
  writers: WriterView[];
  invites: InviteView[];
  error: string | null;
}

/** Renders and keeps current the writers part of shared knowledge bases' cards. */
export class WritersSection {
  private readonly loaded = new Map<string, Loaded>();
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly api: PeerApi, private readonly actions: WriterActions, private readonly onChanged: () => void) {}

  /** Whether this device may invite and remove writers (null until known). */
  isOwner(id: string): boolean | null {
    const self = this.loaded.get(id)?.writers.find((writer) => writer.self);
    return self ? self.active && self.role === 'owner' : null;
  }

  /** Draw into `el` from what is known, and reload; `onChanged` runs when the reload found a change. */
  render(el: HTMLElement, kb: IndexedKnowledgeBase): void {
    this.draw(el, kb);
    void this.reload(kb.status.id).then((changed) => {
      if (changed) this.onChanged();
    });
  }

  /** Forget knowledge bases no longer shown. */
  keepOnly(ids: Set<string>): void {
    for (const id of this.loaded.keys()) if (!ids.has(id)) this.loaded.delete(id);
  }

  private reload(id: string): Promise<boolean> {
    // One load per knowledge base at a time; renders in between reuse it.
    const running = this.inFlight.get(id);
    if (running) return running;
    const load = (async () => {
      let next: Loaded;
      try {
        const writers = await this.api.writers(id);
        const owner = writers.some((writer) => writer.self && writer.active && writer.role === 'owner');
        next = { writers, invites: owner ? (await this.api.invites(id)).filter((invite) => invite.status === 'pending') : [], error: null };
      } catch (err) {
        next = { writers: this.loaded.get(id)?.writers ?? [], invites: [], error: err instanceof Error ? err.message : String(err) };
      }
      const changed = JSON.stringify(next) !== JSON.stringify(this.loaded.get(id) ?? null);
      this.loaded.set(id, next);
      return changed;
    })().finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, load);
    return load;
  }

  private draw(el: HTMLElement, kb: IndexedKnowledgeBase): void {
    el.addClass('tzimtzum-writers');
    el.createDiv({ cls: 'tzimtzum-writers-title', text: 'Writers' });
    const data = this.loaded.get(kb.status.id);
    if (!data) {
      el.createDiv({ cls: 'tzimtzum-hint', text: 'Loading writers…' });
      return;
    }
    if (data.error) el.createDiv({ cls: 'tzimtzum-card-error', text: data.error });
    const owner = this.isOwner(kb.status.id) === true;
    for (const writer of data.writers) {
      const row = el.createDiv({ cls: 'tzimtzum-writer' });
      if (!writer.active) row.addClass('tzimtzum-writer-inactive');
      row.createSpan({ cls: 'tzimtzum-writer-name', text: writerLabel(writer), attr: { 'aria-label': writer.key } });
      row.createSpan({ cls: 'tzimtzum-writer-role', text: writer.role === 'owner' ? 'Owner' : 'Co-author' });
      if (writer.self) row.createSpan({ cls: 'tzimtzum-writer-tag', text: 'This device' });
      if (!writer.active) row.createSpan({ cls: 'tzimtzum-writer-tag', text: 'Removed' });
      if (owner && writer.active && !writer.self && !writer.creator) {
        row.createEl('button', { cls: 'tzimtzum-writer-remove', text: 'Remove' }).addEventListener('click', () => this.actions.removeWriter(kb, writer));
      }
    }
    if (data.writers.length === 1 && data.invites.length === 0) {
      el.createDiv({ cls: 'tzimtzum-hint', text: owner ? 'Only this device writes here. Invite another device or a co-author to write too.' : 'Only this device writes here.' });
    }
    for (const invite of data.invites) {
      const row = el.createDiv({ cls: 'tzimtzum-invite' });
      const who = invite.name ?? (invite.role === 'owner' ? 'a device of yours' : 'a co-author');
      row.createSpan({ cls: 'tzimtzum-invite-summary', text: `Invite for ${who}, until ${new Date(invite.expires).toLocaleString()}` });
      row.createEl('button', { text: 'Show' }).addEventListener('click', () => this.actions.showInvite(kb, invite));
      row.createEl('button', { text: 'Revoke' }).addEventListener('click', () => void this.actions.revokeInvite(invite));
    }
  }
}
