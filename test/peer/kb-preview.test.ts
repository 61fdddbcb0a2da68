// Before following a knowledge base, a subscriber sees its title, description and size. The author chose
// that text, so it is shown without what could make it read as something else, and within bounds.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Testnet } from 'hyperdht/testnet.js';
import { previewKnowledgeBase } from '../../src/peer/kb-preview';
import { Teardown } from '../support/temp';
import { localTestnet, openPeer } from '../support/network';

let teardown: Teardown;
let testnet: Testnet;

beforeEach(async () => {
  teardown = new Teardown();
  testnet = await localTestnet(teardown);
});
afterEach(() => teardown.run());

it('shows a title and description without bidi or control characters, counted and capped', async () => {
  const vault = await teardown.dir('tzimtzum-vault-');
  await writeFile(path.join(vault, 'a.md'), 'a');
  await writeFile(path.join(vault, 'b.md'), 'bb');
  const author = await openPeer(teardown, testnet);
  const shared = await author.share(vault, { title: 'Plain' });
  // Metadata written past the author's own checks, as a hostile writer could.
  await author.knowledgeBase(shared.id)!.appendOps([{
    type: 'meta',
    title: 'Invoice\u202efdp.exe\u0007\r\nfrom\t\u2066the bank\u2069',
    description: `First line\r\nsecond\u202e line\u0000\n${'x'.repeat(3000)}`,
    author: 'Someone\u200f\u0085',
  }]);
  const reader = await openPeer(teardown, testnet);

  const preview = await previewKnowledgeBase(reader, shared.link);
  expect(preview.title).toBe('Invoicefdp.exe from the bank');
  expect(preview.author).toBe('Someone');
  expect(preview.description.startsWith('First line\nsecond line\nxxx')).toBe(true);
  expect(Array.from(preview.description)).toHaveLength(2001);
  expect(preview.description.endsWith('…')).toBe(true);
  expect(preview).toMatchObject({ files: 2, bytes: 3, complete: true });
});
