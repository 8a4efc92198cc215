// Runs the bundled action the way the runner does: a child `node dist/index.js` with INPUT_* variables
// and GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ACTION_PATH = fileURLToPath(new URL('../../dist/index.js', import.meta.url))

export interface ActionRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  durationMs: number
}

export interface RunOptions {
  env?: Record<string, string>
  /** Called once the process has started, e.g. to send it a signal later. */
  onSpawn?: (pid: number) => void
  killAfterMs?: number
  /** Also print each line of the action's stdout as it arrives, rewritten (or dropped when undefined). */
  echo?: (line: string) => string | undefined
}

/** GITHUB_OUTPUT's `name<<DELIMITER ... DELIMITER` records. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!m) continue
    const [, name, delimiter] = m as unknown as [string, string, string]
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name] = value.join('\n')
  }
  return outputs
}

/**
 * What the runner gives a step: empty output and summary files, and a clean environment (nothing from
 * the test runner, such as proxies or a real region, leaks in) with the inputs as INPUT_* variables.
 */
export function stepEnvironment(
  inputs: Record<string, string>,
  extra: Record<string, string> = {}
): { dir: string; outputFile: string; summaryFile: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'codearts-action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_DEBUG: '1',
    ...extra
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return { dir, outputFile, summaryFile, env }
}

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {}
): Promise<ActionRun> {
  const { dir, outputFile, summaryFile, env } = stepEnvironment(inputs, options.env)
  const started = Date.now()
  const child = spawn(process.execPath, [ACTION_PATH], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  if (child.pid !== undefined) options.onSpawn?.(child.pid)
  let stdout = ''
  let stderr = ''
  let pending = ''
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString()
    if (!options.echo) return
    const lines = (pending + c.toString()).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const shown = options.echo(line)
      if (shown !== undefined) console.log(shown)
    }
  })
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
    if (options.echo) process.stderr.write(c)
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done =>
    child.on('close', (c, s) => done([c, s]))
  )
  clearTimeout(killer)
  const result: ActionRun = {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    durationMs: Date.now() - started
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

/**
 * Fails the test when any of `secrets` shows in what the run left: its log (except the runner's own
 * ::add-mask:: commands, which must carry the value), stderr, summary or outputs.
 */
export function expectNoSecret(run: ActionRun, secrets: string[]): void {
  const stdout = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  for (const text of [stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
    for (const secret of secrets) expect(text).not.toContain(secret)
  }
}

/** Workflow command lines of one kind (`error`, `warning`, `notice`, `debug`) in the log. */
export function annotations(run: ActionRun, kind: string): string[] {
  return run.stdout.split('\n').filter(line => line.startsWith(`::${kind}`))
}
