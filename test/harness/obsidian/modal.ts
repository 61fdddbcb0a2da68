// Obsidian's `Modal`: `open()` attaches it to the app's body and calls `onOpen`; `close()` detaches it
// and calls `onClose`. Tests find open modals in `app.bodyEl` (`.modal-container`).
/* eslint-disable @typescript-eslint/no-explicit-any -- signatures mirror obsidian.d.ts, which uses any */
import type { App } from './app.js';
import './dom.js';

/** A dialog. */
export class Modal {
  app: App;
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  shouldRestoreSelection = false;
  #closeCallback: (() => any) | null = null;
  #open = false;

  constructor(app: App) {
    this.app = app;
    this.containerEl = createDiv('modal-container');
    this.modalEl = this.containerEl.createDiv('modal');
    this.modalEl.createDiv('modal-close-button').addEventListener('click', () => this.close());
    this.titleEl = this.modalEl.createDiv('modal-title');
    this.contentEl = this.modalEl.createDiv('modal-content');
  }

  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.app.bodyEl.appendChild(this.containerEl);
    const opened = this.onOpen();
    // Obsidian does not await onOpen; a failure surfaces as an unhandled error, as there.
    if (opened instanceof Promise) opened.catch((err: unknown) => setTimeout(() => { throw err; }, 0));
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.containerEl.detach();
    this.onClose();
    this.#closeCallback?.();
  }

  onOpen(): Promise<void> | void {}
  onClose(): void {}

  setTitle(title: string): this {
    this.titleEl.setText(title);
    return this;
  }

  setContent(content: string | DocumentFragment): this {
    this.contentEl.setText(content);
    return this;
  }

  setCloseCallback(callback: () => any): this {
    this.#closeCallback = callback;
    return this;
  }
}
