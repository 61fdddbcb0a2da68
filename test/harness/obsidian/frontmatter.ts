// A tiny reader for the YAML header of a note: enough for the flat properties plugins put there.
// It understands `key: value` lines with plain, quoted, numeric, boolean and null scalars, inline
// lists `[a, b]`, and block lists (`key:` followed by `- item` lines). Anything else (nested maps,
// multi-line strings, anchors) makes the whole header unreadable, as invalid YAML does in Obsidian:
// the note then has no `frontmatter`.

/** Where the header is and what it says; null when the note has none or it cannot be read. */
export interface Frontmatter {
  data: Record<string, unknown>;
  /** Offsets of the whole block, from the opening `---` to the end of the closing one. */
  start: number;
  end: number;
  /** 0-based line of the closing `---`. */
  endLine: number;
}

function scalar(raw: string): unknown {
  const v = raw.trim();
  if (v === '' || v === '~' || v === 'null') return null;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return JSON.parse(v) as unknown;
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/''/g, "'");
  if (/^[[{|>&*!]/.test(v)) throw new Error('unsupported YAML');
  return v;
}

function inlineList(raw: string): unknown[] {
  const inner = raw.trim().slice(1, -1).trim();
  return inner === '' ? [] : inner.split(',').map(scalar);
}

/** Reads the YAML header at the very start of `content`. */
export function parseFrontmatter(content: string): Frontmatter | null {
  const lines = content.split('\n');
  if (lines[0]?.trimEnd() !== '---') return null;
  const close = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (close < 0) return null;
  const data: Record<string, unknown> = {};
  let listKey: string | null = null;
  const blockKeys = new Set<string>();
  try {
    for (const line of lines.slice(1, close)) {
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const item = /^\s*-\s*(.*)$/.exec(line);
      if (item && listKey !== null) {
        (data[listKey] as unknown[]).push(scalar(item[1]));
        continue;
      }
      const pair = /^([^\s:#][^:]*):(?:\s+(.*))?$/.exec(line);
      if (!pair) return null;
      const key = pair[1].trim();
      const value = pair[2] ?? '';
      listKey = null;
      if (value.trim() === '') { data[key] = []; listKey = key; blockKeys.add(key); continue; }
      data[key] = value.trim().startsWith('[') && value.trim().endsWith(']') ? inlineList(value) : scalar(value);
    }
  } catch {
    return null;
  }
  // A `key:` with no items is null, not an empty list.
  for (const k of blockKeys) if ((data[k] as unknown[]).length === 0) data[k] = null;
  const end = lines.slice(0, close + 1).join('\n').length;
  return { data, start: 0, end, endLine: close };
}
