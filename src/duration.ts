// Durations as users write them in workflow files: `500ms`, `10s`, `15m`, `1h30m`, or plain seconds (`0.2`).

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const
const NUMBER = String.raw`\d+(?:\.\d+)?`
const PLAIN_SECONDS = new RegExp(`^${NUMBER}$`)
// Units in falling order, each at most once: 1h30m, 2m15s, 1s500ms.
const WITH_UNITS = new RegExp(
  `^(?:(${NUMBER})h)?(?:(${NUMBER})m(?!s))?(?:(${NUMBER})s)?(?:(${NUMBER})ms)?$`
)

export const DURATION_FORMS = '500ms, 10s, 15m, 1h30m, or a number of seconds such as 0.2'

/** Milliseconds in `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim()
  if (value === '') return undefined
  if (PLAIN_SECONDS.test(value)) return Math.round(Number(value) * 1000)
  const match = WITH_UNITS.exec(value)
  if (!match) return undefined
  const [, h, m, s, ms] = match
  const ms_ =
    Number(h ?? 0) * UNIT_MS.h +
    Number(m ?? 0) * UNIT_MS.m +
    Number(s ?? 0) * UNIT_MS.s +
    Number(ms ?? 0) * UNIT_MS.ms
  return Math.round(ms_)
}

/** `5400000` -> `1h30m`, `200` -> `200ms`: the inverse of parseDuration, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 59_950) return `${Number((ms / 1000).toFixed(1))}s`
  let rest = Math.round(ms / 1000)
  const h = Math.floor(rest / 3600)
  rest -= h * 3600
  const m = Math.floor(rest / 60)
  const s = rest - m * 60
  return [h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join('') || '0s'
}
