// A minimal `Editor` over a string, for commands with `editorCallback`: the text, one selection,
// and the position helpers. No undo history, no CodeMirror.

/** A position in the editor: 0-based line and column. */
export interface EditorPosition { line: number; ch: number }

/** The editor of a Markdown view. */
export class Editor {
  #text: string;
  #anchor = 0;
  #head = 0;
  readonly #onChange: () => void;

  /** Harness only: Obsidian creates editors for its views. */
  constructor(text: string, onChange: () => void) {
    this.#text = text;
    this.#onChange = onChange;
  }

  getValue(): string { return this.#text; }
  setValue(content: string): void {
    this.#text = content;
    this.#anchor = this.#head = Math.min(this.#head, content.length);
    this.#onChange();
  }
  lineCount(): number { return this.#text.split('\n').length; }
  getLine(line: number): string { return this.#text.split('\n')[line] ?? ''; }
  getSelection(): string {
    const [from, to] = [Math.min(this.#anchor, this.#head), Math.max(this.#anchor, this.#head)];
    return this.#text.slice(from, to);
  }
  replaceSelection(replacement: string): void {
    const [from, to] = [Math.min(this.#anchor, this.#head), Math.max(this.#anchor, this.#head)];
    this.#text = this.#text.slice(0, from) + replacement + this.#text.slice(to);
    this.#anchor = this.#head = from + replacement.length;
    this.#onChange();
  }
  getCursor(string?: 'from' | 'to' | 'head' | 'anchor'): EditorPosition {
    const at = string === 'from' ? Math.min(this.#anchor, this.#head)
      : string === 'to' ? Math.max(this.#anchor, this.#head)
        : string === 'anchor' ? this.#anchor : this.#head;
    return this.offsetToPos(at);
  }
  setCursor(pos: EditorPosition | number, ch?: number): void {
    const p = typeof pos === 'number' ? { line: pos, ch: ch ?? 0 } : pos;
    this.#anchor = this.#head = this.posToOffset(p);
  }
  setSelection(anchor: EditorPosition, head?: EditorPosition): void {
    this.#anchor = this.posToOffset(anchor);
    this.#head = this.posToOffset(head ?? anchor);
  }
  posToOffset(pos: EditorPosition): number {
    const lines = this.#text.split('\n');
    let offset = 0;
    for (let i = 0; i < Math.min(pos.line, lines.length - 1); i++) offset += lines[i].length + 1;
    return Math.min(offset + pos.ch, this.#text.length);
  }
  offsetToPos(offset: number): EditorPosition {
    const before = this.#text.slice(0, Math.max(0, Math.min(offset, this.#text.length))).split('\n');
    return { line: before.length - 1, ch: before[before.length - 1].length };
  }
}
