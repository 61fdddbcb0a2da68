// Text a knowledge base's author chose (its title, description, author name) as this device shows and
// stores it: the same rules wherever it comes from, a preview before subscribing or a base just joined.
import { BIDI } from '../mount/path-policy';

/** How much of a title (or an author's name) and of a description is shown. */
const MAX_TITLE_CHARS = 200;
const MAX_DESCRIPTION_CHARS = 2000;
// Bidi controls could make a title read as something else (`BIDI`); other controls, separators and
// private-use or lone surrogate code points have nothing to show.
const BIDI_CONTROL = new RegExp(BIDI.source, 'gu');
const LINE_BREAK = /\r\n?|[\n\u2028\u2029]/gu;
const UNSHOWABLE = /[\p{Cc}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/gu;

/** A title or a name: one line, no bidi or control characters, runs of spaces collapsed, at most 200 characters. */
export function shownTitle(text: string): string {
  return capped(clean(text, ' ').replace(/ {2,}/gu, ' '), MAX_TITLE_CHARS);
}

/** A description: as `shownTitle`, but its line breaks kept and at most 2,000 characters. */
export function shownDescription(text: string): string {
  return capped(clean(text, '\n'), MAX_DESCRIPTION_CHARS);
}

function clean(text: string, lineBreak: string): string {
  return String(text).replace(BIDI_CONTROL, '').replace(LINE_BREAK, lineBreak).replace(/\t/gu, ' ')
    .replace(UNSHOWABLE, (c) => (c === lineBreak ? c : '')).trim();
}

function capped(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : text;
}
