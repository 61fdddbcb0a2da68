// Obsidian's `Notice`. Every notice is recorded in `notices` so tests can read what the user was told
// (harness only); notices never time out on their own here (no timers), `hide()` marks them hidden.
import './dom.js';

/** One notice as the user saw it (harness only). */
export interface NoticeRecord {
  message: string;
  duration: number | undefined;
  hidden: boolean;
}

/** Every notice shown since the last `clearNotices()`, oldest first (harness only). */
export const notices: NoticeRecord[] = [];

/** Forgets recorded notices (harness only). */
export function clearNotices(): void {
  notices.length = 0;
}

const textOf = (message: string | DocumentFragment): string => (typeof message === 'string' ? message : message.textContent ?? '');

/** A transient message to the user. */
export class Notice {
  /** @deprecated Use `messageEl` (as in obsidian.d.ts). */
  noticeEl: HTMLElement;
  containerEl: HTMLElement;
  messageEl: HTMLElement;
  readonly #record: NoticeRecord;

  constructor(message: string | DocumentFragment, duration?: number) {
    const container = activeDocument.body.find('.notice-container') ?? activeDocument.body.createDiv('notice-container');
    this.containerEl = container.createDiv('notice');
    this.messageEl = this.containerEl.createDiv('notice-message');
    this.noticeEl = this.messageEl;
    this.#record = { message: '', duration, hidden: false };
    notices.push(this.#record);
    this.setMessage(message);
  }

  setMessage(message: string | DocumentFragment): this {
    this.#record.message = textOf(message);
    this.messageEl.setText(message);
    return this;
  }

  hide(): void {
    this.#record.hidden = true;
    this.containerEl.detach();
  }
}
