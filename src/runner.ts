// The runner's side of a step, as @actions/core speaks it: inputs from INPUT_* variables, workflow
// commands on stdout, and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. Written here because importing
// @actions/core also loads its OIDC client and, through it, undici (1 MB): that alone made the action's
// start-up twice that of a bare `node -e 0`. Only main.ts uses this module.
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'

export type AnnotationProperties = {
  title?: string
}

/** The input's value, trimmed unless `trimWhitespace` is false; '' when not given. */
export function getInput(name: string, options: { trimWhitespace?: boolean } = {}): string {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? ''
  return options.trimWhitespace === false ? value : value.trim()
}

// In a line that is not a `::` command, the runner also obeys the old `##[name ...]value` form anywhere,
// so server text (a stage name, a task's message) carrying one could set an output or stop command
// processing. A zero-width space between the two # keeps it plain text. Only where a command name
// follows: any other change to the text could keep a secret in it from matching its mask.
function inert(text: string): string {
  return text.replace(/##\[(?=[\w-]+[\s;\]])/g, '#\u200B#[')
}

// Workflow command escaping, as the runner unescapes it.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function command(
  name: string,
  message: string,
  properties: Record<string, string | undefined> = {}
): void {
  const props = Object.entries(properties)
    .filter(([, value]) => value)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',')
  process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${EOL}`)
}

/** Registers a value for masking in the log. */
export function setSecret(secret: string): void {
  command('add-mask', secret)
}

export function info(message: string): void {
  process.stdout.write(inert(message) + EOL)
}

export function debug(message: string): void {
  command('debug', message)
}

export function notice(message: string, properties?: AnnotationProperties): void {
  command('notice', message, properties)
}

export function warning(message: string, properties?: AnnotationProperties): void {
  command('warning', message, properties)
}

export function error(message: string, properties?: AnnotationProperties): void {
  command('error', message, properties)
}

/** A foldable group of log lines. */
export function group(title: string, lines: string[]): void {
  command('group', title)
  for (const line of lines) info(line)
  command('endgroup', '')
}

/** An error annotation, and exit code 1 whenever the process ends. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

function fileOf(variable: string): string {
  const path = process.env[variable]
  if (!path) throw new Error(`Unable to find environment variable for file command ${variable}`)
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`)
  return path
}

export function setOutput(name: string, value: string): void {
  if (!process.env.GITHUB_OUTPUT) {
    // Runners older than the output file still read the command.
    process.stdout.write(EOL)
    command('set-output', value, { name })
    return
  }
  // A fresh delimiter per value, so no value can end its own record early.
  // The global Web Crypto, loaded only here: importing node:crypto up front costs start-up.
  const delimiter = `ghadelimiter_${globalThis.crypto.randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error('Unexpected input: the output contains its delimiter')
  }
  appendFileSync(
    fileOf('GITHUB_OUTPUT'),
    `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`,
    'utf8'
  )
}

/** Appends HTML/Markdown to the step's job summary. */
export function appendSummary(text: string): void {
  appendFileSync(fileOf('GITHUB_STEP_SUMMARY'), text, 'utf8')
}
