// `npm run package`: a production build into dist/tzimtzum/, then one zip per release platform,
// dist/tzimtzum-<version>-<platform>-<arch>.zip, holding tzimtzum/ with that platform's prebuilds only.
// Ends with the sizes a release reviewer asks about.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT_DIR, buildPlugin } from '../esbuild.config.mjs';
import { PLATFORMS } from './build/native-addons.mjs';
import { zipFiles } from './build/zip-folder.mjs';

const dist = path.dirname(DEFAULT_OUT_DIR);
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

async function filesIn(dir) {
  const names = await fs.readdir(dir).catch((err) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  return names.sort().map((name) => path.join(dir, name));
}

async function totalSize(files) {
  let total = 0;
  for (const file of files) total += (await fs.stat(file)).size;
  return total;
}

async function main(argv) {
  // --entry FILE builds another plugin module than main.ts (to try the packaging on a fixture).
  const at = argv.indexOf('--entry');
  const entry = at >= 0 && at + 1 < argv.length ? argv[at + 1] : 'main.ts';
  const built = await buildPlugin({ entry, outDir: DEFAULT_OUT_DIR });
  const { version } = JSON.parse(await fs.readFile(path.join(built.outDir, 'manifest.json'), 'utf8'));
  const common = ['main.js', 'manifest.json', 'styles.css'];
  const rows = [['main.js', (await fs.stat(path.join(built.outDir, 'main.js'))).size]];
  for (const platform of PLATFORMS) {
    const prebuilds = await filesIn(path.join(built.outDir, 'prebuilds', platform));
    rows.push([`prebuilds/${platform} (${prebuilds.length} addons)`, await totalSize(prebuilds)]);
    const zipPath = path.join(dist, `tzimtzum-${version}-${platform}.zip`);
    await zipFiles([
      ...common.map((name) => ({ name: `tzimtzum/${name}`, file: path.join(built.outDir, name) })),
      ...prebuilds.map((file) => ({ name: `tzimtzum/prebuilds/${platform}/${path.basename(file)}`, file })),
    ], zipPath);
    rows.push([path.basename(zipPath), (await fs.stat(zipPath)).size]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\nTzimtzum ${version}, in ${path.relative(process.cwd(), dist) || '.'}:`);
  for (const [label, size] of rows) console.log(`  ${label.padEnd(width)}  ${megabytes(size).padStart(9)}`);
  for (const { name, platform } of built.missingPrebuilds) {
    console.log(`  missing: ${name} for ${platform} (that zip cannot run)`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2)).catch((err) => {
    if (!(err && Array.isArray(err.errors))) console.error(err);
    process.exitCode = 1;
  });
}
