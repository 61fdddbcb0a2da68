// Notes from a knowledge base are someone else's text, and some Obsidian plugins run text as code:
// Dataview's `dataviewjs` blocks and `$=` inline queries, JS Engine, run-blocks, Templater commands.
// Before a mounted note is written, those are neutralized so that opening (or merely creating) the
// note runs nothing; the plugin shows them as plain code with a badge. Which languages count as
// executable is decided here and nowhere else.

/** Fence languages that a popular plugin executes as soon as the note is rendered (compared in lower case). */
export const EXECUTABLE_FENCE_LANGUAGES: readonly string[] = [
  'dataviewjs', // Dataview
  'js-engine', // JS Engine
  'js-engine-debug',
  'tx', // Templater
  'templater',
  'button', // Buttons (runs commands and templates)
  'meta-bind-js-view', // Meta Bind
  'meta-bind-button',
];

/** Fence language prefixes that mark a run-block (`run-js`, `run-python`, ...). */
export const EXECUTABLE_FENCE_PREFIXES: readonly string[] = ['run-'];

/**
 * Languages that are ordinary code unless the info string carries more than the language: run-block
 * plugins (RunJS's `js RunJS="..."`, CustomJS and the like) mark the blocks they execute that way.
 */
export const RUN_BLOCK_LANGUAGES: readonly string[] = ['js', 'javascript'];

/** The language a neutralized fence is rewritten to; the original language follows it in the info string. */
export const NEUTRALIZED_LANGUAGE = 'tzimtzum-untrusted';

/** What neutralizing did to a note. */
export interface NeutralizeResult {
  text: string;
  /** Fences rewritten to the neutral language. */
  fences: number;
  /** Templater tags and inline queries escaped. */
  inline: number;
}

/** Whether a fence with this info string is one a plugin would execute. */
export function isExecutableFence(info: string): boolean {
  const [language = '', ...rest] = info.trim().toLowerCase().split(/\s+/u);
  if (EXECUTABLE_FENCE_LANGUAGES.includes(language)) return true;
  if (EXECUTABLE_FENCE_PREFIXES.some((prefix) => language.startsWith(prefix))) return true;
  return RUN_BLOCK_LANGUAGES.includes(language) && rest.length > 0;
}

// An opening or closing fence: up to three spaces, three or more backticks or tildes, then the info string.
const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/u;
// Templater runs every `<%` tag in a file's raw text, fenced or not: `<%` becomes `<\%`, which Templater
// does not match and Markdown renders as `<%` outside code.
const TEMPLATER_TAG = /<%/gu;
// Dataview inline JS: inline code starting with `$=` (the default prefix).
const DATAVIEW_INLINE_JS = /`\$=/gu;

/** Rewrites executable fences to the neutral language and escapes Templater tags and inline JS queries. */
export function neutralizeExecutableCode(text: string): NeutralizeResult {
  let fences = 0;
  let inline = 0;
  let open: { marker: string } | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (open) {
      // A closing fence: the same character, at least as long, nothing but blanks after it.
      if (fence && fence[2][0] === open.marker[0] && fence[2].length >= open.marker.length && fence[3].trim() === '') open = null;
    } else if (fence && !(fence[2][0] === '`' && fence[3].includes('`'))) {
      open = { marker: fence[2] };
      const info = fence[3].trim();
      if (info !== '' && isExecutableFence(info)) {
        lines[i] = `${fence[1]}${fence[2]}${NEUTRALIZED_LANGUAGE} ${info}`;
        fences++;
      }
    }
    lines[i] = lines[i].replace(TEMPLATER_TAG, () => {
      inline++;
      return '<\\%';
    });
    if (!open) {
      lines[i] = lines[i].replace(DATAVIEW_INLINE_JS, () => {
        inline++;
        return '`\\$=';
      });
    }
  }
  return { text: lines.join('\n'), fences, inline };
}

/** How many places in a note's bytes (UTF-8) a plugin would run as code: executable fences, Templater tags, inline queries. */
export function executableCodeIn(bytes: Uint8Array): number {
  const result = neutralizeExecutableCode(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
  return result.fences + result.inline;
}

/** Neutralizes a note's bytes (UTF-8); returns the same array when there was nothing to neutralize. */
export function neutralizeNoteBytes(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const result = neutralizeExecutableCode(text);
  if (result.fences === 0 && result.inline === 0) return bytes;
  return new TextEncoder().encode(result.text);
}
