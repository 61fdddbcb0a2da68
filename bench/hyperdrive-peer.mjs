// One Hyperdrive peer for the Holepunch baseline in `npm run bench`, run as its own Node process
// so each figure includes a process start and the peer's memory is its own.
// Plain JavaScript on purpose: it uses the Holepunch modules exactly as their READMEs do, with no
// TypeScript loader in the measured start-up.
//
//   node bench/hyperdrive-peer.mjs import    --vault DIR --store DIR
//   node bench/hyperdrive-peer.mjs testnet
//   node bench/hyperdrive-peer.mjs author    --vault DIR --store DIR --bootstrap HOST:PORT[,…]
//   node bench/hyperdrive-peer.mjs subscribe --key HEX --store DIR --bootstrap … --mode sync|lazy|watch
//                                            [--out DIR] [--read JSON-array-of-drive-paths]
//
// Events go to stdout as one JSON object a line: { event, t, … } with t in ms since process start.
// Long-lived roles (testnet, author, watch) take JSON commands on stdin and shut down when it ends.
// Every role ends with { event: 'exit', maxRssBytes }.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import Corestore from 'corestore';
import Hyperdrive from 'hyperdrive';
import Localdrive from 'localdrive';
import MirrorDrive from 'mirror-drive';
import Hyperswarm from 'hyperswarm';
import HyperDHT from 'hyperdht';
import createTestnet from 'hyperdht/testnet.js';

const { positionals, values: opts } = parseArgs({
  allowPositionals: true,
  options: {
    vault: { type: 'string' }, store: { type: 'string' }, bootstrap: { type: 'string' },
    key: { type: 'string' }, mode: { type: 'string' }, out: { type: 'string' }, read: { type: 'string' },
  },
});

function emit(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, t: Math.round(performance.now()), ...fields })}\n`);
}

function exit() {
  emit('exit', { maxRssBytes: process.resourceUsage().maxRSS * 1024 });
}

// A stuck peer must never hang the benchmark: the parent also kills on its own deadline.
setTimeout(() => {
  process.stderr.write('hyperdrive-peer: gave up after 15 minutes\n');
  process.exit(2);
}, 15 * 60_000).unref();

function bootstrap() {
  return opts.bootstrap.split(',').map((hp) => {
    const [host, port] = hp.split(':');
    return { host, port: Number(port) };
  });
}

function createSwarm(store) {
  const dht = new HyperDHT({ bootstrap: bootstrap(), host: '127.0.0.1', firewalled: false });
  const swarm = new Hyperswarm({ dht });
  const connections = new Set();
  swarm.on('connection', (conn) => {
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
    store.replicate(conn);
  });
  // Bytes received on the replication connections, handshake and protocol overhead included.
  const wireBytes = () => [...connections].reduce((sum, c) => sum + (c.rawStream?.bytesReceived ?? 0), 0);
  return { swarm, wireBytes };
}

/** Resolves when stdin ends; calls `onCommand` for each JSON line before that, one at a time. */
async function commands(onCommand) {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim()) await onCommand(JSON.parse(line));
  }
}

async function importVault() {
  const store = new Corestore(opts.store);
  const drive = new Hyperdrive(store);
  await drive.ready();
  const mirror = new MirrorDrive(new Localdrive(opts.vault), drive);
  await mirror.done();
  emit('imported', { ...mirror.count, bytesAdded: mirror.bytesAdded, key: drive.key.toString('hex') });
  await drive.close();
  await store.close();
}

async function testnet() {
  const net = await createTestnet(3, { host: '127.0.0.1' });
  emit('testnet', { bootstrap: net.bootstrap.map((b) => `${b.host}:${b.port}`).join(',') });
  await commands(async () => {});
  await net.destroy();
}

async function author() {
  const store = new Corestore(opts.store);
  const drive = new Hyperdrive(store);
  await drive.ready();
  const local = new Localdrive(opts.vault);
  const started = performance.now();
  const mirror = new MirrorDrive(local, drive);
  await mirror.done();
  emit('imported', { files: mirror.count.files, ms: Math.round(performance.now() - started) });

  const { swarm } = createSwarm(store);
  await swarm.join(drive.discoveryKey, { server: true, client: false }).flushed();
  emit('serving', { key: drive.key.toString('hex') });

  await commands(async (cmd) => {
    if (cmd.cmd !== 'edit') return;
    // The author's editor saved one note; a watcher that knows which file changed mirrors only it.
    const t0 = performance.now();
    await local.put(cmd.path, Buffer.from(cmd.text, 'utf8'));
    await new MirrorDrive(local, drive, { prefix: cmd.path }).done();
    emit('edited', { path: cmd.path, ms: performance.now() - t0, version: drive.version });
  });

  await swarm.destroy();
  await drive.close();
  await store.close();
}

async function subscribe() {
  const store = new Corestore(opts.store);
  const drive = new Hyperdrive(store, Buffer.from(opts.key, 'hex'));
  await drive.ready();
  const { swarm, wireBytes } = createSwarm(store);
  let payloadBytes = 0;
  const countDownload = (_index, byteLength) => { payloadBytes += byteLength; };
  drive.core.on('download', countDownload);
  swarm.once('connection', () => emit('connected'));

  const found = store.findingPeers();
  swarm.join(drive.discoveryKey, { server: false, client: true });
  swarm.flush().then(found, found);
  await drive.update({ wait: true });
  const blobs = await drive.getBlobs();
  blobs.core.on('download', countDownload);
  emit('updated', { version: drive.version, payloadBytes, wireBytes: wireBytes() });

  if (opts.mode === 'lazy') {
    const paths = JSON.parse(opts.read);
    for (const [i, path] of paths.entries()) {
      const t0 = performance.now();
      const data = await drive.get(path, { timeout: 30_000 });
      if (!data) throw new Error(`hyperdrive-peer: ${path} is not in the drive`);
      emit(i === 0 ? 'first-note' : 'note', {
        path, bytes: data.byteLength, ms: performance.now() - t0, payloadBytes, wireBytes: wireBytes(),
      });
    }
  } else {
    const download = drive.download('/');
    await download.done();
    emit('all-data-local', { payloadBytes, wireBytes: wireBytes() });
    const out = new Localdrive(opts.out);
    const mirror = new MirrorDrive(drive, out);
    await mirror.done();
    emit('all-files-written', { files: mirror.count.files });

    if (opts.mode === 'watch') {
      const watcher = drive.watch('/');
      const watching = (async () => {
        for await (const [current, previous] of watcher) {
          const keys = [];
          for await (const change of current.diff(previous.version, '/')) keys.push((change.left ?? change.right).key);
          await new MirrorDrive(current, out, { prefix: keys }).done();
          emit('written', { keys, version: current.version });
        }
      })();
      await commands(async () => {});
      await watcher.close();
      await watching;
    }
  }

  await swarm.destroy();
  await drive.close();
  await store.close();
}

const roles = { import: importVault, testnet, author, subscribe };
const role = roles[positionals[0]];
if (!role) {
  process.stderr.write(`hyperdrive-peer: unknown role ${positionals[0]}; expected ${Object.keys(roles).join(', ')}\n`);
  process.exit(64);
}
try {
  await role();
  exit();
} catch (err) {
  process.stderr.write(`hyperdrive-peer ${positionals[0]}: ${err?.stack ?? err}\n`);
  process.exit(1);
}
