// A seeded generator of realistic Obsidian vaults, for tests and `npm run bench`.
// Everything comes from one PRNG, so a seed names a vault: same seed, same tree, same bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What to generate: `notes` markdown notes, `binaries` attachments (default 20), `folders` (default 50). */
export interface VaultSpec {
  notes: number;
  seed: number;
  binaries?: number;
  folders?: number;
}

/** What was written: file count, total bytes, and vault-relative paths with `/` separators. */
export interface GeneratedVault {
  files: number;
  bytes: number;
  paths: string[];
}

const NOTE_MIN_BYTES = 200;
const NOTE_MAX_BYTES = 20 * 1024;
const NOTE_MEDIAN_BYTES = 2 * 1024;
// ln-space spread: about 1 note in 40 is above 4.5× the median.
const NOTE_SIGMA = 0.75;
const BINARY_MIN_BYTES = 200 * 1024;
const BINARY_MAX_BYTES = 2 * 1024 * 1024;

/** mulberry32: a tiny, well-known 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is that for it as with was on be by this are from at or an have not which but all ' +
  'note idea project garden research meeting review draft outline summary question answer source quote ' +
  'reading book chapter paper method result theory model system design pattern example context problem ' +
  'solution decision trade-off constraint evidence argument claim insight memory habit practice routine ' +
  'weekly daily goal plan task deadline milestone budget client team partner customer feedback release ' +
  'protocol network peer replica storage index query cache latency throughput benchmark schema version ' +
  'history timeline archive journal reflection concept principle framework heuristic workflow template ' +
  'léa café naïve façade über résumé señor smörgåsbord'
).split(' ');

const TITLE_WORDS = (
  'Atlas Beacon Canvas Delta Ember Fable Garden Harbor Index Journal Kernel Ledger Meadow Nexus Orbit ' +
  'Prism Quarry River Signal Thread Umbra Vector Willow Zenith Alpha Bravo Cedar Dune Echo Flint Grove ' +
  'Horizon Iris Juniper Kite Lantern Mosaic North Oasis Pillar Quill Ridge Summit Tide Vale Wren'
).split(' ');

// Unicode names a vault really has; all are legal file names on Linux, macOS and Windows.
const UNICODE_WORDS = [
  'Café', 'Résumé', 'Crème brûlée', 'Señor', 'Ærø', 'Zürich', 'Kraków', 'São Paulo', 'Ελληνικά',
  'Москва', '日本語ノート', '读书笔记', '한국어', '会議メモ', '🚀 Launch', '🌱 Seeds', '📚 Reading', '✨ Ideas',
];

const FOLDER_WORDS = (
  'Projects Areas Resources Archive Journal Daily Meetings People Books Papers Courses Recipes Travel ' +
  'Health Finance Writing Research Ideas Inbox Work Personal Clients Reviews Templates Reference Notes ' +
  'Drafts Talks Code Design Planning Someday Learning'
).split(' ');

const TAGS = [
  'project/alpha', 'project/beta', 'status/draft', 'status/done', 'reading', 'idea', 'meeting', 'review',
  'todo', 'evergreen', 'literature', 'person', 'area/health', 'area/work', 'café', '日本',
];

/** Writes a seeded, reproducible vault into `dir` (which may already exist) and says what it wrote. */
export function generateVault(dir: string, spec: VaultSpec): GeneratedVault {
  const rand = mulberry32(spec.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)];
  const folders = makeFolders(rand, pick, spec.folders ?? 50);
  const titles = makeTitles(rand, pick, spec.notes);
  const binaryCount = spec.binaries ?? 20;
  const attachmentNames = Array.from({ length: binaryCount }, (_, i) =>
    `${pick(TITLE_WORDS)} ${i + 1}.${rand() < 0.6 ? 'png' : 'pdf'}`);

  const paths: string[] = [];
  let bytes = 0;
  for (const folder of folders) mkdirSync(join(dir, folder), { recursive: true });

  for (let i = 0; i < spec.notes; i++) {
    // Skewed placement: a few folders hold most notes, as in real vaults; ~5% sit at the root.
    const folder = rand() < 0.05 ? '' : folders[Math.floor(folders.length * rand() * rand())];
    const path = (folder ? `${folder}/` : '') + `${titles[i]}.md`;
    const text = makeNote(rand, pick, titles, i, attachmentNames);
    const data = Buffer.from(text, 'utf8');
    writeFileSync(join(dir, path), data);
    paths.push(path);
    bytes += data.byteLength;
  }

  if (binaryCount > 0) mkdirSync(join(dir, 'Attachments'), { recursive: true });
  for (const name of attachmentNames) {
    const size = BINARY_MIN_BYTES + Math.floor(rand() * (BINARY_MAX_BYTES - BINARY_MIN_BYTES));
    const data = makeBinary(rand, size, name.endsWith('.png') ? 'png' : 'pdf');
    const path = `Attachments/${name}`;
    writeFileSync(join(dir, path), data);
    paths.push(path);
    bytes += data.byteLength;
  }

  return { files: paths.length, bytes, paths };
}

function makeFolders(rand: () => number, pick: <T>(l: readonly T[]) => T, count: number): string[] {
  const folders: string[] = [];
  const seen = new Set<string>();
  const add = (path: string): void => {
    const key = path.normalize('NFC').toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    folders.push(path);
  };
  // Bounded: each round adds at most one folder, and duplicates get a numbered name.
  for (let round = 0; folders.length < count && round < count * 20; round++) {
    const parent = folders.length > 3 && rand() < 0.45 ? pick(folders) : '';
    if (parent.split('/').length >= 3) continue; // nest at most three deep
    const word = rand() < 0.12 ? pick(UNICODE_WORDS) : pick(FOLDER_WORDS);
    const taken = seen.has(`${parent ? `${parent}/` : ''}${word}`.normalize('NFC').toLowerCase());
    const name = taken ? `${word} ${pick(TITLE_WORDS)}` : word;
    add(parent ? `${parent}/${name}` : name);
  }
  return folders;
}

function makeTitles(rand: () => number, pick: <T>(l: readonly T[]) => T, count: number): string[] {
  const titles: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const first = rand() < 0.1 ? pick(UNICODE_WORDS) : pick(TITLE_WORDS);
    let title = `${first} ${pick(WORDS)} ${pick(TITLE_WORDS).toLowerCase()}`;
    // Basenames are unique vault-wide (case- and normalization-insensitively, as macOS and Windows
    // compare them), so every [[wikilink]] resolves to exactly one note.
    if (seen.has(title.normalize('NFC').toLowerCase())) title = `${title} ${i}`;
    seen.add(title.normalize('NFC').toLowerCase());
    titles.push(title);
  }
  return titles;
}

function makeNote(
  rand: () => number,
  pick: <T>(l: readonly T[]) => T,
  titles: readonly string[],
  index: number,
  attachments: readonly string[],
): string {
  const target = noteSize(rand);
  const parts: string[] = [];
  let size = 0;
  const push = (text: string): void => {
    parts.push(text);
    size += Buffer.byteLength(text, 'utf8');
  };

  if (rand() < 0.4) {
    const day = 1 + Math.floor(rand() * 28);
    const month = 1 + Math.floor(rand() * 12);
    push(`---\ncreated: 2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}\n` +
      `tags: [${pick(TAGS)}, ${pick(TAGS)}]\naliases: ["${pick(TITLE_WORDS)}"]\n---\n`);
  }
  push(`# ${titles[index]}\n\n`);

  // Sections until the target size is reached; the loop is bounded by the byte budget.
  while (size < target) {
    const kind = rand();
    if (kind < 0.15) push(`## ${pick(TITLE_WORDS)} ${pick(WORDS)}\n\n`);
    else if (kind < 0.35) {
      const items = 2 + Math.floor(rand() * 4);
      let list = '';
      for (let k = 0; k < items; k++) list += `${rand() < 0.3 ? '- [ ] ' : '- '}${sentence(rand, pick, titles, 4)}\n`;
      push(`${list}\n`);
    } else if (kind < 0.38 && attachments.length > 0) push(`![[${pick(attachments)}]]\n\n`);
    else push(`${sentence(rand, pick, titles, 25)}\n\n`);
  }

  // Trim to the target so the size distribution is the one asked for, keeping whole characters.
  const text = parts.join('');
  const buf = Buffer.from(text, 'utf8');
  if (buf.byteLength <= target) return text;
  let cut = buf.subarray(0, target - 1).toString('utf8').replace(/\uFFFD+$/u, '');
  // Never leave half a [[wikilink]] behind.
  const open = cut.lastIndexOf('[[');
  if (open > cut.lastIndexOf(']]')) cut = cut.slice(0, open);
  // Pad back what a cut character or link took, so the size is exactly the one drawn.
  return `${cut}${'.'.repeat(target - 1 - Buffer.byteLength(cut, 'utf8'))}\n`;
}

function sentence(
  rand: () => number,
  pick: <T>(l: readonly T[]) => T,
  titles: readonly string[],
  meanWords: number,
): string {
  const count = 2 + Math.floor(rand() * meanWords * 2);
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rand();
    if (roll < 0.04 && titles.length > 0) words.push(`[[${pick(titles)}]]`);
    else if (roll < 0.055) words.push(`#${pick(TAGS)}`);
    else words.push(pick(WORDS));
  }
  const first = words[0];
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

// Log-normal around the median (Box–Muller), clamped to the range real notes have.
function noteSize(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  const size = Math.round(NOTE_MEDIAN_BYTES * Math.exp(NOTE_SIGMA * normal));
  return Math.min(NOTE_MAX_BYTES, Math.max(NOTE_MIN_BYTES, size));
}

// Incompressible bytes behind a real magic number, as photos and PDFs are to a sync engine.
function makeBinary(rand: () => number, size: number, kind: 'png' | 'pdf'): Buffer {
  const data = Buffer.allocUnsafe(size);
  for (let i = 0; i + 4 <= size; i += 4) data.writeUInt32LE((rand() * 4294967296) >>> 0, i);
  for (let i = size - (size % 4); i < size; i++) data[i] = Math.floor(rand() * 256);
  const magic = kind === 'png' ? Buffer.from('89504e470d0a1a0a', 'hex') : Buffer.from('%PDF-1.7\n', 'latin1');
  magic.copy(data, 0);
  return data;
}
