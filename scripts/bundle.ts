// `npm run bundle`: src/ into dist/ with ncc, as CommonJS. ncc's command line emits ESM for an ESM
// package, and Node's ESM loader costs start-up (measured with npm run bench: about 9 ms on Node 20 and
// 1.5 ms on Node 24, on a 38 ms start); its API can emit CommonJS from the same sources.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

interface NccAsset {
  source: string | Buffer
}
type Ncc = (
  entry: string,
  options: { esm: boolean; cache: boolean; license: string; quiet: boolean }
) => Promise<{ code: string; assets: Record<string, NccAsset> }>

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DIST = join(ROOT, 'dist')
const ncc = createRequire(import.meta.url)('@vercel/ncc') as Ncc

const { code, assets } = await ncc(join(ROOT, 'src/index.ts'), {
  esm: false,
  // ncc's cache is keyed by the entry's path alone: a checkout once built as ESM would get ESM back.
  cache: false,
  license: 'licenses.txt',
  quiet: true
})
rmSync(DIST, { recursive: true, force: true })
mkdirSync(DIST)
writeFileSync(join(DIST, 'index.js'), code)
// The signer chunk and the third-party licences.
for (const [name, asset] of Object.entries(assets)) writeFileSync(join(DIST, name), asset.source)
// The package is ESM; these files are not.
writeFileSync(join(DIST, 'package.json'), '{ "type": "commonjs" }\n')
