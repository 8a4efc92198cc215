// Server text made plain: on one line, cut to a length, its invisible characters and terminal escapes
// out; and the small words the summary is written in (`2 jobs`, `a, b and c`).
import { formatDuration } from '../duration.js'
import { INVISIBLE, oneLine } from '../quote.js'

/** Names in the table and lists. */
export const NAME_CHARS = 60
// A long error message shows this many of its first and of its last lines.
const MESSAGE_HEAD_LINES = 10
const MESSAGE_TAIL_LINES = 10
// Each line of a log or message in a <pre> is cut to this: a minified bundle in a log is one huge line.
const MAX_PRE_LINE_CHARS = 300
// Names in the "stopped" and "not reached" sentence.
const MAX_NAMED = 6

// ANSI escape sequences (colours, cursor moves) in logs.
// eslint-disable-next-line no-control-regex -- they are control characters, and what it removes
const ANSI = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)?|[@-Z\\-_])/g

/**
 * `text` cut in its middle, so that its start and its end (an exit code, say) both stay; at a space
 * when there is one near the cut.
 */
export function middleClip(text: string, max: number): string {
  const chars = Array.from(text)
  if (chars.length <= max) return text
  const half = Math.floor((max - 3) / 2)
  let head = chars.slice(0, half).join('')
  let tail = chars.slice(-half).join('')
  const space = head.lastIndexOf(' ')
  if (space > half * 0.6) head = head.slice(0, space)
  const next = tail.indexOf(' ')
  if (next >= 0 && next < half * 0.4) tail = tail.slice(next + 1)
  return `${head.trimEnd()} … ${tail.trimStart()}`
}

/** A message's lines, cleaned, blank ones dropped. */
export function messageLines(message: string): string[] {
  return message
    .split(/\r?\n|\r|\u2028|\u2029/)
    .map(oneLine)
    .filter(l => l !== '')
}

/** Lines for a <pre>: terminal escapes and invisible characters out, each cut in its middle. */
export function preLines(lines: string[]): string[] {
  return lines.map(l =>
    middleClip(
      l.replace(ANSI, '').replace(INVISIBLE, '').replace(/\t/g, '    ').trimEnd(),
      MAX_PRE_LINE_CHARS
    )
  )
}

/** A long message's first and last lines, with how many between them were left out. */
export function messageExcerpt(message: string): string[] {
  const lines = preLines(message.split(/\r?\n|\r/))
  while (lines.length > 0 && lines[0] === '') lines.shift()
  while (lines.length > 0 && lines.at(-1) === '') lines.pop()
  if (lines.length <= MESSAGE_HEAD_LINES + MESSAGE_TAIL_LINES + 1) return lines
  const left = lines.length - MESSAGE_HEAD_LINES - MESSAGE_TAIL_LINES
  return [
    ...lines.slice(0, MESSAGE_HEAD_LINES),
    `… ${left} lines left out …`,
    ...lines.slice(-MESSAGE_TAIL_LINES)
  ]
}

export function durationText(value: number | null): string | null {
  return value === null || !Number.isFinite(value) || value < 0
    ? null
    : formatDuration(value * 1000)
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** `a`, `a and b`, `a, b and c`. */
function listed(parts: string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`
}

/** `2 jobs and 1 gate`: each count but the zeros, with its noun. */
export function counted(counts: [count: number, noun: string][]): string {
  return listed(counts.filter(([count]) => count).map(([count, noun]) => plural(count, noun)))
}

/** Up to `max` names, then how many more. */
export function named(names: string[], max = MAX_NAMED): string {
  const shown = names.slice(0, max)
  if (names.length > max) shown.push(`${names.length - max} more`)
  return listed(shown)
}
