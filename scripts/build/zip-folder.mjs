// Writes a zip of chosen files. Uses the system `zip` when it is on the PATH; otherwise a small
// writer of our own (deflate from node:zlib), since no zip library is among the dependencies.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const run = promisify(execFile);

/**
 * Zips `entries` ({ name: path inside the zip, with '/', file: path on disk }) into `zipPath`,
 * replacing it. Folder entries are implied by the names.
 */
export async function zipFiles(entries, zipPath) {
  await fs.rm(zipPath, { force: true });
  if (await hasSystemZip()) await zipWithSystemZip(entries, zipPath);
  else await fs.writeFile(zipPath, await zipInMemory(entries));
}

async function hasSystemZip() {
  try {
    await run('zip', ['-v']);
    return true;
  } catch {
    return false;
  }
}

async function zipWithSystemZip(entries, zipPath) {
  // zip stores paths as given on the command line: lay the tree out in a staging folder first.
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'tzimtzum-zip-'));
  try {
    for (const { name, file } of entries) {
      await fs.mkdir(path.join(staging, path.dirname(name)), { recursive: true });
      await fs.copyFile(file, path.join(staging, name));
    }
    // -X: no extra file attributes (owner ids, times), -D: no folder entries, -9: best compression.
    await run('zip', ['-q', '-X', '-D', '-9', path.resolve(zipPath), ...entries.map((e) => e.name)], { cwd: staging });
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

// The zip format (PKWARE APPNOTE 4.3): a local header + data per file, then a central directory.
// Sizes stay under 4 GiB, so no Zip64; a fixed 1980-01-01 timestamp keeps archives reproducible.
async function zipInMemory(entries) {
  const crc32 = zlib.crc32 ?? crc32Table;
  const parts = [];
  const central = [];
  let offset = 0;
  for (const { name, file } of entries) {
    const data = await fs.readFile(file);
    const deflated = zlib.deflateRawSync(data, { level: 9 });
    const stored = deflated.length < data.length ? deflated : data;
    const method = stored === data ? 0 : 8;
    const nameBytes = Buffer.from(name, 'utf8');
    const fields = { method, crc: crc32(data), compressed: stored.length, size: data.length };
    const local = header(0x04034b50, fields, nameBytes);
    parts.push(local, stored);
    central.push(header(0x02014b50, fields, nameBytes, offset));
    offset += local.length + stored.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

function header(signature, { method, crc, compressed, size }, name, offset) {
  const isCentral = offset !== undefined;
  const h = Buffer.alloc(isCentral ? 46 : 30);
  let at = 0;
  const u32 = (v) => { h.writeUInt32LE(v >>> 0, at); at += 4; };
  const u16 = (v) => { h.writeUInt16LE(v, at); at += 2; };
  u32(signature);
  if (isCentral) u16(20); // version made by
  u16(20); // version needed to extract
  u16(0x0800); // flags: names are UTF-8
  u16(method);
  u16(0); // time 00:00
  u16(0x21); // date 1980-01-01
  u32(crc);
  u32(compressed);
  u32(size);
  u16(name.length);
  u16(0); // extra field length
  if (isCentral) {
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(offset);
  }
  return Buffer.concat([h, name]);
}

let table = null;
function crc32Table(data) {
  // zlib.crc32 arrived in Node 20.15; older Node 20 computes it here.
  table ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
