// Server text made safe to show: cut to a length, and (for logs and annotations) kept to one line.

const MAX_QUOTED = 300

/** `text` cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max
  return `${text.slice(0, end)}…`
}

/**
 * Invisible characters that could make a text read as another: format characters (bidi overrides and
 * isolates, zero-width spaces and joiners, soft hyphens, tag characters) and the Hangul fillers.
 */
export const INVISIBLE = /[\p{Cf}\u115F\u1160\u3164\uFFA0]/gu

/**
 * Server text on one line: invisible characters out, any run of spaces, tabs, newlines or control
 * characters one space. One line means it can never start a workflow command (`::...`) of its own;
 * control characters could rewrite the line, and invisible ones make it read as something else.
 */
export function oneLine(value: string): string {
  return value
    .replace(INVISIBLE, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim()
}

/** One line of server text, cut to `max` characters: short enough for a log line or annotation. */
export function quote(value: string, max = MAX_QUOTED): string {
  return clip(oneLine(value), max)
}

/**
 * `url` as a plain web link, else null: a link from the server goes where users click or paste, and
 * into scripts. Normalised as a browser reads it (spaces, quotes and `<>` percent-encoded), and the
 * characters a shell would act on inside double quotes (`$`, backtick, parentheses) encoded too.
 */
export function webUrl(url: string | null | undefined): string | null {
  if (!url || !/^https?:\/\/[^\p{C}]+$/iu.test(url)) return null
  try {
    const href = new URL(url).href
    return href.replace(/[$`()']/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  } catch {
    return null
  }
}

/**
 * `text` for a plain log line. There the runner also obeys the old `##[name ...]value` command form
 * anywhere, so server text (a stage name, a task's message) carrying one could set an output or stop
 * command processing. A zero-width space between the two # keeps it plain text; only where a command name
 * follows, as any other change could keep a secret in the text from matching its mask.
 */
export function defuseCommands(text: string): string {
  return text.replace(/##\[(?=[\w-]+[\s;\]])/g, '#\u200B#[')
}
