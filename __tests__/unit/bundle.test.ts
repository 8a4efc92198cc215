// What ships: dist/ (built by `npm run build`, which `npm test` runs first) carries no devDependency, no
// source map, and loads nothing at run time but node's own modules and its own chunks, since a runner
// has no node_modules. And `npm audit` over the runtime dependencies is wired up (it needs the network,
// so it is run by hand or in CI, not here).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DIST = join(ROOT, 'dist')
// @actions/http-client bundles undici (loaded on first need only, see patches/): about 560 KB of it.
const MAX_INDEX_BYTES = 1024 * 1024

interface PackageJson {
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
  devDependencies?: Record<string, string>
}

interface LockFile {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson
const devDependencies = Object.keys(pkg.devDependencies ?? {})
// Named by the issue whether or not they are devDependencies today.
const FORBIDDEN = [
  ...new Set([
    ...devDependencies,
    '@huaweicloud/huaweicloud-sdk-core',
    'fast-check',
    'jest',
    'typescript',
    'eslint'
  ])
]

/** Every package the lock file installs for production (not only for development). */
function productionPackages(): Set<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as LockFile
  const names = new Set<string>()
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.devOptional) continue
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length))
  }
  return names
}

const distJs = (): { name: string; text: string }[] =>
  readdirSync(DIST)
    .filter(name => name.endsWith('.js'))
    .map(name => ({ name, text: readFileSync(join(DIST, name), 'utf8') }))

// ncc's licence file: for each package, its name, its licence, the licence text, a blank line.
const PACKAGE_NAME = /^(@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/
const LICENSE_ID = /^\(?[A-Za-z0-9.+-]+( (OR|AND|WITH) [A-Za-z0-9.+-]+)*\)?$/

function licensedPackages(text: string): string[] {
  const lines = text.split(/\r?\n/)
  return lines.filter(
    (line, i) =>
      (i === 0 || lines[i - 1]?.trim() === '') &&
      PACKAGE_NAME.test(line) &&
      LICENSE_ID.test(lines[i + 1] ?? '')
  )
}

/**
 * A string each package's own code carries and the action's has no reason to: found in the installed
 * package (so the check can fail), it must not be found in the bundle. @vercel/ncc and @types/* are left
 * to the path and licence checks: ncc's runtime is in every bundle by design, and types have no code.
 */
const MARKERS: [pkg: string, file: string, marker: string][] = [
  ['@huaweicloud/huaweicloud-sdk-core', 'HcClient.js', 'class HcClient'],
  ['fast-check', 'lib/cjs/fast-check.js', 'Property failed after'],
  ['typescript', 'lib/typescript.js', 'createSourceFile'],
  ['jest', 'build/index.js', '@jest/core'],
  ['eslint', 'lib/api.js', 'LegacyESLint'],
  ['@eslint/js', 'src/configs/eslint-recommended.js', 'no-unsafe-optional-chaining'],
  ['typescript-eslint', 'dist/index.js', 'typescript-eslint'],
  ['ts-jest', 'dist/legacy/ts-jest-transformer.js', 'TsJestTransformer'],
  ['prettier', 'index.cjs', 'resolveConfigFile'],
  ['tsx', 'dist/cli.mjs', 'Run the script and watch for changes']
]

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.js'))) {
    throw new Error('dist/index.js is missing: run `npm run bundle` (npm test builds it first)')
  }
})

describe('the bundle', () => {
  it('lists no devDependency among the licensed packages, only production ones', () => {
    const listed = licensedPackages(readFileSync(join(DIST, 'licenses.txt'), 'utf8'))
    // The one runtime dependency is there, so the list was read.
    expect(listed).toContain('@actions/http-client')
    for (const name of FORBIDDEN) expect(listed).not.toContain(name)
    const production = productionPackages()
    expect(listed.filter(name => !production.has(name))).toEqual([])
  })

  it('holds no module from a devDependency', () => {
    const production = productionPackages()
    for (const { name, text } of distJs()) {
      const paths = [...text.matchAll(/node_modules\/((?:@[^/\s"'`]+\/)?[^/\s"'`]+)\//g)]
      const packages = new Set(paths.map(m => m[1] ?? ''))
      expect({ file: name, bundled: [...packages].filter(p => !production.has(p)) }).toEqual({
        file: name,
        bundled: []
      })
      for (const dev of FORBIDDEN) expect(text).not.toContain(`node_modules/${dev}/`)
      expect(text).not.toContain('@huaweicloud/')
    }
  })

  it.each(MARKERS)('carries none of the code of %s', (name, file, marker) => {
    const source = readFileSync(join(ROOT, 'node_modules', name, file), 'utf8')
    expect(source).toContain(marker)
    for (const { text } of distJs()) expect(text).not.toContain(marker)
  })

  it("loads nothing at run time but node's own modules and its own chunks", () => {
    const loaded = new Set<string>()
    for (const { text } of distJs()) {
      const patterns = [
        // ncc's ESM form of require(), under whatever name the minifier gave createRequire.
        /\(import\.meta\.url\)\(\s*["']([^"']+)["']\s*\)/g,
        /\brequire\(\s*["']([^"']+)["']\s*\)/g,
        /\bimport\(\s*["']([^"']+)["']\s*\)/g,
        /^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']([^"']+)["']/gm
      ]
      for (const pattern of patterns) for (const m of text.matchAll(pattern)) loaded.add(m[1] ?? '')
    }
    expect(loaded).toContain('node:http')
    expect([...loaded].filter(id => !isBuiltin(id) && !id.startsWith('./'))).toEqual([])
  })

  it('is ESM, as ncc builds it and dist/package.json declares', () => {
    expect(JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8'))).toEqual({ type: 'module' })
    expect(readFileSync(join(DIST, 'index.js'), 'utf8')).toMatch(/^import\s*\{/)
  })

  it('ships no source map', () => {
    const files = readdirSync(DIST)
    expect(files.filter(name => name.endsWith('.map'))).toEqual([])
    for (const { text } of distJs()) {
      expect(text).not.toMatch(/sourceMappingURL=data:/)
      // Tools follow only a file's last such comment; none may point at a map.
      expect(text.trimEnd().split('\n').pop()).not.toMatch(/sourceMappingURL=/)
    }
  })

  it(`keeps dist/index.js under ${MAX_INDEX_BYTES / 1024} KB`, () => {
    expect(statSync(join(DIST, 'index.js')).size).toBeLessThan(MAX_INDEX_BYTES)
  })
})

describe('npm audit', () => {
  it('is wired to fail on high or critical advisories in the runtime dependencies', () => {
    const audit = pkg.scripts?.audit ?? ''
    expect(audit).toMatch(/^npm audit\b/)
    expect(audit.split(/\s+/)).toEqual(expect.arrayContaining(['--omit=dev', '--audit-level=high']))
  })
})
