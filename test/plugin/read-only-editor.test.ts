import { describe, expect, it } from 'vitest';
import { EditorState, StateField } from '@codemirror/state';
import { readOnlyMounts } from '../../src/plugin/read-only-editor';

// Stands in for Obsidian's editorInfoField: which file the editor shows.
const fileField = (path: string) => StateField.define<string>({ create: () => path, update: (value) => value });

function editorFor(path: string): EditorState {
  const field = fileField(path);
  return EditorState.create({
    doc: 'mounted text',
    extensions: [field, readOnlyMounts((state) => state.field(field, false) ?? null, (file) => file.startsWith('Knowledge bases/'))],
  });
}

describe('the read-only editor extension', () => {
  it('drops text the user types in a mounted note', () => {
    const state = editorFor('Knowledge bases/KB/Note.md');
    const next = state.update({ changes: { from: 0, insert: 'typed ' }, userEvent: 'input.type' }).state;
    expect(next.doc.toString()).toBe('mounted text');
  });

  it('drops pastes, deletions and undo in a mounted note', () => {
    const state = editorFor('Knowledge bases/KB/Note.md');
    for (const userEvent of ['input.paste', 'delete.backward', 'undo']) {
      expect(state.update({ changes: { from: 0, to: 1 }, userEvent }).state.doc.toString()).toBe('mounted text');
    }
  });

  it('lets Obsidian load a mounted file (a change with no user event)', () => {
    const state = editorFor('Knowledge bases/KB/Note.md');
    expect(state.update({ changes: { from: 0, to: state.doc.length, insert: 'new version' } }).state.doc.toString()).toBe('new version');
  });

  it('marks a mounted note read-only and leaves other notes editable', () => {
    expect(editorFor('Knowledge bases/KB/Note.md').readOnly).toBe(true);
    const own = editorFor('Notes/Mine.md');
    expect(own.readOnly).toBe(false);
    expect(own.update({ changes: { from: 0, insert: 'typed ' }, userEvent: 'input.type' }).state.doc.toString()).toBe('typed mounted text');
  });
});
