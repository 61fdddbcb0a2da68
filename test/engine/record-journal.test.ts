// State that grows with a knowledge base is saved in proportion to what changed: frames appended to a
// log beside a snapshot, and a new snapshot once the log is as large as the state. Whatever a crash
// leaves (a torn append, a snapshot without its log), a load gives the state of a whole save.
import { appendFile, copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { RecordJournal, type JournalContents } from '../../src/engine/record-journal';
import { Teardown } from '../support/temp';

const teardown = new Teardown();
afterEach(() => teardown.run());

async function journalFile(): Promise<string> {
  return path.join(await teardown.dir('tzimtzum-journal-'), 'nested', 'state.json');
}

/** What a fresh journal loads from `file`, as plain data. */
async function reload(file: string): Promise<{ header: unknown; records: Record<string, unknown> }> {
  const contents: JournalContents = await new RecordJournal(file).load();
  if (contents.kind !== 'journal') throw new Error(`expected a journal, found ${contents.kind}`);
  return { header: contents.header, records: Object.fromEntries(contents.records) };
}

async function generationOfLog(file: string): Promise<unknown> {
  return (JSON.parse((await readFile(`${file}.log`, 'utf8')).split('\n')[0]) as { generation: unknown }).generation;
}

it('appends only what changed to its log, and loads the records of every save', async () => {
  const file = await journalFile();
  const journal = new RecordJournal(file);
  expect(await journal.load()).toEqual({ kind: 'none' });
  for (let i = 0; i < 2000; i++) journal.set(`note ${i}`, { size: i });
  journal.setHeader({ version: 1 });
  await journal.save();
  const snapshot = await stat(file);
  expect(snapshot.mode & 0o777).toBe(0o600);

  journal.set('note 5', { size: 555 });
  journal.delete('note 6');
  journal.set('__proto__', { size: 1 });
  journal.setHeader({ version: 2 });
  await journal.save();
  await journal.save(); // nothing changed: nothing written
  expect((await stat(file)).mtimeMs).toBe(snapshot.mtimeMs);
  const log = await readFile(`${file}.log`, 'utf8');
  expect(log.trim().split('\n')).toHaveLength(1 + 3 + 1); // start, three records, commit

  const loaded = await reload(file);
  expect(loaded.header).toEqual({ version: 2 });
  expect(Object.keys(loaded.records)).toHaveLength(2000);
  expect(loaded.records['note 5']).toEqual({ size: 555 });
  expect('note 6' in loaded.records).toBe(false);
  expect(Object.getOwnPropertyDescriptor(loaded.records, '__proto__')?.value).toEqual({ size: 1 });
});

it('writes a new snapshot once its log holds as many records as the state', async () => {
  const file = await journalFile();
  const journal = new RecordJournal(file);
  for (let i = 0; i < 1500; i++) journal.set(`note ${i}`, i);
  await journal.save();
  expect(await generationOfLog(file)).toBe(1);
  // Saves of 100 changes each: the log takes 15 of them, the 16th starts generation 2.
  for (let round = 0; round < 16; round++) {
    for (let i = 0; i < 100; i++) journal.set(`note ${(round * 100 + i) % 1500}`, -1);
    await journal.save();
  }
  expect(await generationOfLog(file)).toBe(2);
  expect((await readFile(`${file}.log`, 'utf8')).trim().split('\n')).toHaveLength(1);
  const loaded = await reload(file);
  expect(Object.values(loaded.records).filter((value) => value === -1)).toHaveLength(1500);
});

it('drops a torn append whole, and saves the next changes after it safely', async () => {
  const file = await journalFile();
  const journal = new RecordJournal(file);
  journal.set('a', 1);
  await journal.save();
  journal.set('b', 2);
  await journal.save();
  // A crash in the middle of the next save: one record line written, its commit line not.
  await appendFile(`${file}.log`, '["c",3]\n["d",');
  const restarted = new RecordJournal(file);
  const contents = await restarted.load();
  expect(contents.kind === 'journal' && Object.fromEntries(contents.records)).toEqual({ a: 1, b: 2 });

  restarted.set('e', 5);
  await restarted.save();
  expect((await reload(file)).records).toEqual({ a: 1, b: 2, e: 5 });
  restarted.set('f', 6);
  await restarted.save();
  expect((await reload(file)).records).toEqual({ a: 1, b: 2, e: 5, f: 6 });
});

it('ignores the log of an earlier snapshot (a crash between writing a snapshot and starting its log)', async () => {
  const file = await journalFile();
  const journal = new RecordJournal(file);
  for (let i = 0; i < 1100; i++) journal.set(`note ${i}`, 0);
  await journal.save();
  journal.set('note 1', 1);
  await journal.save();
  await copyFile(`${file}.log`, `${file}.old-log`);
  for (let i = 0; i < 1100; i++) journal.set(`note ${i}`, 2); // more than the log may hold: a new snapshot
  await journal.save();
  await copyFile(`${file}.old-log`, `${file}.log`);

  const restarted = new RecordJournal(file);
  const contents = await restarted.load();
  expect(contents.kind === 'journal' && new Set(contents.records.values())).toEqual(new Set([2]));
  restarted.set('note 1', 3);
  await restarted.save();
  expect((await reload(file)).records['note 1']).toBe(3);
});

it('keeps the changes of a save that failed for the next one', async () => {
  const file = await journalFile();
  const journal = new RecordJournal(file);
  journal.set('a', 1);
  await journal.save();
  // The log cannot be written (a folder is in its place).
  await rm(`${file}.log`);
  await mkdir(`${file}.log`);
  journal.set('b', 2);
  await expect(journal.save()).rejects.toThrow();
  await rm(`${file}.log`, { recursive: true });
  journal.set('c', 3);
  await journal.save();
  expect((await reload(file)).records).toEqual({ a: 1, b: 2, c: 3 });
});

it('reports a file from before journals as legacy, and a damaged snapshot as an error', async () => {
  const file = await journalFile();
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify({ version: 1, files: {} }));
  expect(await new RecordJournal(file).load()).toEqual({ kind: 'legacy', value: { version: 1, files: {} } });
  await rm(file);
  await appendFile(file, '{"journal":1,"generation":3,"header":{},"rec');
  await expect(new RecordJournal(file).load()).rejects.toThrow(SyntaxError);
});
