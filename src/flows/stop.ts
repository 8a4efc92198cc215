// What becomes of a run after a cancel or a timeout: stopped, when its input asks for it, or left running.
import { quote } from '../quote.js'
import { stopChoice, type StopReason } from '../stop-rule.js'
import { STOP_TIMEOUT_MS, type FlowContext } from './context.js'

/** One sentence (with a leading space) on what became of the run; '' when no run is known. */
export async function afterwards(
  { io, api, settings }: FlowContext,
  reason: StopReason,
  runId: string | undefined,
  startedHere: boolean
): Promise<string> {
  if (runId === undefined) return ''
  const choice = stopChoice(reason, quote(runId), startedHere, settings)
  if (!choice.stop) return ` ${choice.sentence}`
  io.info(`Stopping run ${quote(runId)}.`)
  const stop = await api.stop(runId, STOP_TIMEOUT_MS)
  return stop.stopped
    ? ` Run ${quote(runId)} was stopped (stop-on-${reason}).`
    : ` Could not stop run ${quote(runId)}: ${stop.reason}.`
}
