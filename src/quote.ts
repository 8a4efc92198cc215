// Server text made safe for one log line or annotation.

const MAX_QUOTED = 300

/**
 * One line of server text, short enough for a log line or annotation. One line also means it can never
 * start a workflow command (`::...`) of its own.
 */
export function quote(value: string): string {
  // Control characters too: an escape sequence could recolour or rewrite the log line.
  const line = value.replace(/[\s\p{Cc}]+/gu, ' ').trim()
  return line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED)}…` : line
}
