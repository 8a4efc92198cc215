// The README's Inputs and Outputs tables against action.yml: the same names, in the same order, with the
// same Required and Default values, so the documentation cannot drift from what the runner reads.
import { readFileSync } from 'node:fs'

const ROOT = new URL('../../', import.meta.url)

function repoFile(name: string): string {
  return readFileSync(new URL(name, ROOT), 'utf8')
}

// ---- action.yml ----------------------------------------------------------------------------------

interface Entry {
  description?: string
  required?: boolean
  default?: string
}

interface ActionMetadata {
  inputs: Map<string, Entry>
  outputs: Map<string, Entry>
}

// The keys this parser understands under each input or output; anything else fails loudly, so a new
// key (deprecationMessage, a composite action's value) is a decision, not silently skipped.
const KEYS = {
  inputs: new Set(['description', 'required', 'default']),
  outputs: new Set(['description'])
}

/** A scalar written on one line: 'single', "double" (only \" and \\ escapes) or plain; else throws. */
function scalar(text: string, fail: (why: string) => never): string {
  const value = text.trim()
  if (value.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'\s*(?:#.*)?$/.exec(value)
    return m ? m[1]!.replace(/''/g, "'") : fail('a single-quoted scalar this parser cannot read')
  }
  if (value.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\["\\])*)"\s*(?:#.*)?$/.exec(value)
    return m
      ? m[1]!.replace(/\\(["\\])/g, '$1')
      : fail('a double-quoted scalar this parser cannot read')
  }
  const plain = value.replace(/\s+#.*$/, '')
  if (plain === '') return fail('no value (a nested map or null)')
  if (/^[|>&*!%@`{[\]},#]|^[-?:](\s|$)/.test(plain)) {
    return fail('a block scalar, flow collection, anchor, tag or indicator')
  }
  if (/:(\s|$)/.test(plain)) return fail('": " inside a plain scalar')
  if (plain === '~' || plain === 'null') return fail('a null value')
  return plain
}

/**
 * Reads the `inputs:` and `outputs:` maps of action.yml: names indented 2 spaces, each with one-line
 * scalars indented 4. Other top-level keys are skipped with whatever is indented under them.
 */
function parseActionYml(text: string): ActionMetadata {
  const metadata: ActionMetadata = { inputs: new Map(), outputs: new Map() }
  const topLevel = new Set<string>()
  let section: keyof ActionMetadata | 'other' | undefined
  let entry: Entry | undefined
  text.split(/\r?\n/).forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`action.yml line ${index + 1}: ${why}: ${JSON.stringify(line)}`)
    }
    if (line.includes('\t')) fail('a tab')
    if (line.trim() === '' || line.trimStart().startsWith('#')) return
    const indent = line.length - line.trimStart().length
    if (indent === 0) {
      const m = /^([A-Za-z][\w-]*):(.*)$/.exec(line)
      if (!m) return fail('not a top-level key')
      const key = m[1]!
      const rest = m[2]!
      if (topLevel.has(key)) fail(`top-level key "${key}" repeated`)
      topLevel.add(key)
      if (key === 'inputs' || key === 'outputs') {
        if (rest.replace(/\s+#.*$/, '').trim() !== '') fail(`"${key}" is not a block map`)
        section = key
        entry = undefined
      } else {
        section = 'other'
      }
      return
    }
    if (section === undefined) return fail('indented before any key')
    if (section === 'other') return
    if (indent === 2) {
      const m = /^ {2}([A-Za-z0-9_][A-Za-z0-9_-]*):\s*(?:#.*)?$/.exec(line)
      if (!m) return fail(`not a name of ${section}`)
      const name = m[1]!
      if (metadata[section].has(name)) fail(`${section} "${name}" repeated`)
      entry = {}
      metadata[section].set(name, entry)
      return
    }
    if (indent === 4) {
      if (!entry) return fail(`a key outside any of ${section}`)
      const m = /^ {4}([A-Za-z]+):(.*)$/.exec(line)
      if (!m) return fail('not a key: value line')
      const key = m[1]!
      const rest = m[2]!
      if (!KEYS[section].has(key)) fail(`key "${key}" not understood under ${section}`)
      if (Object.hasOwn(entry, key)) fail(`key "${key}" repeated`)
      if (rest !== '' && !rest.startsWith(' ')) fail('no space after ":"')
      if (key === 'required') {
        const value = rest.replace(/\s+#.*$/, '').trim()
        if (value !== 'true' && value !== 'false') fail('required is not plain true or false')
        entry.required = value === 'true'
      } else {
        entry[key as 'description' | 'default'] = scalar(rest, fail)
      }
      return
    }
    return fail('unexpected indentation (multi-line values are not understood)')
  })
  return metadata
}

// ---- README --------------------------------------------------------------------------------------

/** The cells of one Markdown table row; `\|` is a literal pipe, as in GFM. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim().replace(/\\\|/g, '|'))
}

/** The rows of the first table under `heading` (before the next `#`/`##` heading), by column title. */
function tableUnder(markdown: string, heading: string): Record<string, string>[] {
  const lines = markdown.split(/\r?\n/)
  const starts = lines.flatMap((line, i) => (line.trim() === heading ? [i] : []))
  if (starts.length !== 1) {
    throw new Error(`README has ${starts.length} "${heading}" headings, expected one`)
  }
  let i = starts[0]! + 1
  while (i < lines.length && !lines[i]!.startsWith('|')) {
    if (/^#{1,2} /.test(lines[i]!)) break
    i += 1
  }
  const table: string[][] = []
  while (i < lines.length && lines[i]!.startsWith('|')) table.push(cells(lines[i++]!))
  const [header, separator, ...rows] = table
  if (!header || !separator || !separator.every(c => /^:?-+:?$/.test(c))) {
    throw new Error(`README has no table under "${heading}"`)
  }
  return rows.map((row, r) => {
    if (row.length !== header.length) {
      throw new Error(
        `README "${heading}" row ${r + 1} has ${row.length} cells, not ${header.length}`
      )
    }
    return Object.fromEntries(header.map((title, c) => [title, row[c]!]))
  })
}

function column(rows: Record<string, string>[], title: string, heading: string): string[] {
  return rows.map(row => {
    const cell = row[title]
    if (cell === undefined) throw new Error(`README "${heading}" table has no "${title}" column`)
    return cell
  })
}

/** `name` from a cell that is exactly one code span; else throws. */
function nameIn(cell: string, heading: string): string {
  const m = /^`([^`]+)`$/.exec(cell)
  if (!m) throw new Error(`README "${heading}": name cell ${JSON.stringify(cell)} is not \`name\``)
  return m[1]!
}

/** A Default cell as a value: backticks dropped, surrounding quotes dropped ('' and "" are empty). */
function defaultIn(cell: string): string {
  const value = cell.replace(/`/g, '').trim()
  const quoted = /^(['"])(.*)\1$/.exec(value)
  return quoted ? quoted[2]! : value
}

/**
 * Inputs whose README Default names a fallback that action.yml cannot state: there the default is ''
 * and the code fills the value in. Matched exactly (after defaultIn), so a stale entry fails too.
 */
const COMPUTED_DEFAULTS: Record<string, { readme: string; reason: string }> = {
  region: {
    readme: 'HUAWEI_CLOUD_REGION env. variable',
    reason: 'an empty region is read from HUAWEI_CLOUD_REGION (input-helper.ts)'
  },
  'iam-endpoint': {
    readme: 'https://iam.{region}.myhuaweicloud.com',
    reason: 'an empty iam-endpoint is derived from the region (regionIamEndpoint in endpoint.ts)'
  }
}

/** Names that appear in one list but not the other, and names given twice. */
function compareNames(documented: string[], declared: string[]) {
  return {
    missingFromReadme: declared.filter(name => !documented.includes(name)),
    notInActionYml: documented.filter(name => !declared.includes(name)),
    repeatedInReadme: documented.filter((name, i) => documented.indexOf(name) !== i)
  }
}

const NO_NAME_PROBLEMS = { missingFromReadme: [], notInActionYml: [], repeatedInReadme: [] }

// ---- tests ---------------------------------------------------------------------------------------

describe('the action.yml parser', () => {
  const good = [
    'name: x',
    'description: |',
    '  anything: here, it is skipped',
    'inputs:',
    '  a-b:',
    "    description: 'It''s quoted'",
    '    required: true',
    '  c_1:',
    '    description: "a \\"double\\" one"',
    '    default: 10s # a comment',
    '  d:',
    '    description: plain, with "quotes" and https://x.example',
    "    default: ''",
    'outputs:',
    '  o:',
    '    description: out',
    'runs:',
    '  using: node24'
  ]

  it('reads names, quoted and plain scalars, and required', () => {
    const parsed = parseActionYml(good.join('\n'))
    expect(Object.fromEntries(parsed.inputs)).toEqual({
      'a-b': { description: "It's quoted", required: true },
      c_1: { description: 'a "double" one', default: '10s' },
      d: { description: 'plain, with "quotes" and https://x.example', default: '' }
    })
    expect(Object.fromEntries(parsed.outputs)).toEqual({ o: { description: 'out' } })
  })

  const inInput = (line: string): string[] => [...good.slice(0, 7), line, ...good.slice(7)]
  it.each([
    ['a block scalar', inInput('    default: |'), 'block scalar'],
    ['a folded scalar', inInput('    default: >-'), 'block scalar'],
    ['a key it does not know', inInput('    deprecationMessage: gone'), 'not understood'],
    ['a continuation line', inInput('      more words'), 'indentation'],
    ['odd indentation', inInput('   default: x'), 'indentation'],
    ['a tab', inInput('    default:\tx'), 'a tab'],
    ['a repeated key', inInput('    required: false'), 'repeated'],
    [
      'required that is not true or false',
      [...good.slice(0, 6), '    required: yes'],
      'true or false'
    ],
    ['an empty value', inInput('    default:'), 'no value'],
    ['": " in a plain scalar', inInput('    default: a: b'), 'plain scalar'],
    ['a flow map', inInput('    default: {a: 1}'), 'flow collection'],
    ['an escape it does not know', inInput('    default: "a\\nb"'), 'double-quoted'],
    ['a null', inInput('    default: ~'), 'null'],
    ['a repeated input', [...good.slice(0, 7), '  a-b:', ...good.slice(7)], 'repeated'],
    ['a key before any input', ['inputs:', '    description: x'], 'outside any'],
    ['inputs as a flow map', ['inputs: {}'], 'not a block map'],
    ['a repeated inputs map', [...good, 'inputs:'], 'repeated'],
    [
      'an output value (composite actions)',
      [...good.slice(0, 16), '    value: x'],
      'not understood'
    ]
  ])('fails loudly on %s', (_what, lines, why) => {
    expect(() => parseActionYml(lines.join('\n'))).toThrow(/^action\.yml line \d+: /)
    expect(() => parseActionYml(lines.join('\n'))).toThrow(why)
  })
})

describe('README tables against action.yml', () => {
  const action = parseActionYml(repoFile('action.yml'))
  const readme = repoFile('README.md')
  const inputRows = tableUnder(readme, '## Inputs')
  const outputRows = tableUnder(readme, '## Outputs')
  const inputNames = column(inputRows, 'Input', 'Inputs').map(cell => nameIn(cell, 'Inputs'))
  const outputNames = column(outputRows, 'Output', 'Outputs').map(cell => nameIn(cell, 'Outputs'))

  it('action.yml declares inputs and outputs, each with a description', () => {
    expect(action.inputs.size).toBeGreaterThan(0)
    expect(action.outputs.size).toBeGreaterThan(0)
    const undescribed = [
      ...[...action.inputs].map(([name, e]) => [`input ${name}`, e] as const),
      ...[...action.outputs].map(([name, e]) => [`output ${name}`, e] as const)
    ]
      .filter(([, entry]) => !entry.description?.trim())
      .map(([what]) => what)
    expect(undescribed).toEqual([])
  })

  it('documents every input of action.yml, and no other, in the same order', () => {
    const declared = [...action.inputs.keys()]
    expect(compareNames(inputNames, declared)).toEqual(NO_NAME_PROBLEMS)
    expect(inputNames).toEqual(declared)
  })

  it('has the Required column of action.yml', () => {
    const required = column(inputRows, 'Required', 'Inputs')
    const mismatches = inputNames.flatMap((name, i) => {
      const entry = action.inputs.get(name)
      const cell = required[i]!
      if (!entry) return []
      if (!/^(yes|no)$/i.test(cell)) return [`${name}: Required cell "${cell}" is not yes or no`]
      const declared = entry.required ?? false
      return (cell.toLowerCase() === 'yes') === declared
        ? []
        : [`${name}: README says ${cell}, action.yml required: ${declared}`]
    })
    expect(mismatches).toEqual([])
  })

  it('has the Default column of action.yml, computed defaults aside', () => {
    const defaults = column(inputRows, 'Default', 'Inputs')
    const mismatches = inputNames.flatMap((name, i) => {
      const entry = action.inputs.get(name)
      if (!entry) return []
      const declared = entry.default ?? ''
      const documented = defaultIn(defaults[i]!)
      const computed = COMPUTED_DEFAULTS[name]
      if (computed) {
        return [
          ...(declared === ''
            ? []
            : [`${name}: listed as computed, but action.yml has default "${declared}"`]),
          ...(documented === computed.readme
            ? []
            : [`${name}: README default "${documented}", expected "${computed.readme}"`])
        ]
      }
      return documented === declared
        ? []
        : [`${name}: README default "${documented}", action.yml default "${declared}"`]
    })
    expect(mismatches).toEqual([])
  })

  it('lists computed defaults only for inputs of action.yml, each with a reason', () => {
    for (const [name, { reason }] of Object.entries(COMPUTED_DEFAULTS)) {
      expect([name, action.inputs.has(name)]).toEqual([name, true])
      expect(reason.trim()).not.toBe('')
    }
  })

  it('documents every output of action.yml, and no other', () => {
    expect(compareNames(outputNames, [...action.outputs.keys()])).toEqual(NO_NAME_PROBLEMS)
  })

  it('describes every input and output in the README', () => {
    const blank = [
      ...column(inputRows, 'Description', 'Inputs').flatMap((d, i) => (d ? [] : [inputNames[i]])),
      ...column(outputRows, 'Description', 'Outputs').flatMap((d, i) => (d ? [] : [outputNames[i]]))
    ]
    expect(blank).toEqual([])
  })
})
