// Which runs the step stops: on cancel only the run it started itself (a watched run belongs to someone
// else), on timeout the watched run when asked; each only when its input says so.

export type StopReason = 'cancel' | 'timeout'

export type StopChoice = { stop: true } | { stop: false; sentence: string }

export function stopChoice(
  reason: StopReason,
  runId: string,
  startedHere: boolean,
  settings: { stopOnCancel: boolean; stopOnTimeout: boolean }
): StopChoice {
  if (reason === 'cancel' && !startedHere) {
    return {
      stop: false,
      sentence: `Run ${runId} was not started by this step, so it was left running.`
    }
  }
  const wanted = reason === 'cancel' ? settings.stopOnCancel : settings.stopOnTimeout
  return wanted
    ? { stop: true }
    : { stop: false, sentence: `Run ${runId} was left running (stop-on-${reason} is false).` }
}
