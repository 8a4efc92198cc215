// The `parameters` input: one NAME=VALUE per line, turned into the run parameters a start request sends.
import type { Parameter } from './codearts/pipeline-api.js'

// The v3 API's documented limit for one value; v5 states none, so the same bound is used for both.
const MAX_VALUE_LENGTH = 8192

/** The parameters, or one problem per bad line (each names the line; values are never echoed). */
export function parseParameters(
  text: string
): { parameters: Parameter[] } | { problems: string[] } {
  const parameters: Parameter[] = []
  const problems: string[] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `Input "parameters" line ${index + 1}`
    if (line.trim() === '' || line.trimStart().startsWith('#')) return
    const equals = line.indexOf('=')
    if (equals < 0) {
      problems.push(
        `${where} has no "=": each line is NAME=VALUE (blank lines and # comments are skipped).`
      )
      return
    }
    const name = line.slice(0, equals).trim()
    // The value is kept as written, "=" and spaces included: it is the user's to decide.
    const value = line.slice(equals + 1)
    if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
      problems.push(
        `${where} has a bad name: a name is 1 to 128 letters, digits, "_", "-" or "." before the "=".`
      )
    } else if (seen.has(name)) {
      problems.push(`${where} repeats the parameter "${name}": give each name once.`)
    } else if (value.length > MAX_VALUE_LENGTH) {
      problems.push(
        `${where}: the value of "${name}" is longer than ${MAX_VALUE_LENGTH} characters.`
      )
    } else {
      seen.add(name)
      parameters.push({ name, value })
    }
  })
  return problems.length ? { problems } : { parameters }
}
