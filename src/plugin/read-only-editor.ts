// The editor layer of read-only mounts: a CodeMirror 6 transaction filter that drops edits the user
// types, pastes, drops, deletes or undoes in a mounted note, and marks the editor read-only. Obsidian's
// own loads of the file carry no user event and pass. Edits that still get through (commands, other
// plugins, other programs) are caught by the drift guard, which restores the file.
import { EditorState, type Extension, type Transaction } from '@codemirror/state';

/** Which file an editor shows, as the host knows it (Obsidian: `editorInfoField`). */
export type FileOfState = (state: EditorState) => string | null;

const USER_EDITS = ['input', 'delete', 'move', 'undo', 'redo'];

/** Whether a transaction is an edit the user made (typing, pasting, dropping, deleting, undoing). */
export function isUserEdit(tr: Transaction): boolean {
  return tr.docChanged && USER_EDITS.some((event) => tr.isUserEvent(event));
}

/** The extension: refuse user edits in files for which `isMounted` is true. */
export function readOnlyMounts(fileOf: FileOfState, isMounted: (path: string) => boolean): Extension {
  const mounted = (state: EditorState) => {
    const file = fileOf(state);
    return file !== null && isMounted(file);
  };
  return [
    EditorState.transactionFilter.of((tr) => (isUserEdit(tr) && mounted(tr.startState) ? [] : tr)),
    EditorState.readOnly.compute(['doc'], mounted),
  ];
}
