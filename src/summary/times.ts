// The run's times: v3's in the region's local time, unstated; v5's in UTC.
import type { Run } from '../model.js'
import { nameHtml } from './html.js'

const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/

/** True for a run whose times are UTC (v5's end in Z); v3's are the region's local time, unstated. */
function utcTimes(run: Run): boolean {
  return [run, ...run.stages].some(s => s.startTime?.endsWith('Z'))
}

/** The zone a run's times are in, for a heading. */
export function zoneOf(run: Run): string {
  return utcTimes(run) ? 'UTC' : "region's local time"
}

/** `2024-11-26 05:46:40 UTC`, or the v3 time with the zone it is in; other text escaped. */
export function timeHtml(value: string, run: Run): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z?)$/.exec(value)
  if (!m) return nameHtml(value, 40)
  return m[3] ? `${m[1]} ${m[2]} UTC` : `${m[1]} ${m[2]} (${zoneOf(run)})`
}

/**
 * A v3 (`2020-09-01 17:13:18`) or v5 (`2024-11-26T05:46:40Z`) time as milliseconds, its clock read as
 * UTC: the times of one run share one form, so they line up. Null for anything else, including dates
 * that do not exist (`2020-02-30`), which the chart would reject.
 */
export function clockMs(value: string | null): number | null {
  const m = value === null ? null : TIME.exec(value)
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number
  ]
  if (y < 1000 || h > 23 || mi > 59 || s > 59) return null
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  // Date.UTC rolls an impossible day or month over into the next; the chart would reject it.
  const date = new Date(ms)
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? ms : null
}
