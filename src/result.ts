// The verdict: which conclusion a wait ends in, the one-line reason when it is not success, and the
// step outputs. Only a completed run with outcome `success` is a success; everything else fails.
import { quote } from './quote.js'
import { formatDuration } from './duration.js'
import type { Run, Stage, Task } from './model.js'
import type { WaitResult } from './poller.js'

export type Conclusion = 'success' | 'failure' | 'cancelled' | 'timed_out' | 'error'

export interface Verdict {
  conclusion: Conclusion
  /** Why the step fails; undefined for success. */
  message?: string
  /** The stage/task to title the error annotation with, when one is to blame. */
  culprit?: string
}

function pipelineLabel(run: Run | null, pipelineId: string): string {
  const name = run?.pipelineName
  return name ? `pipeline "${quote(name)}" (${pipelineId})` : `pipeline ${pipelineId}`
}

function failed(item: Task): boolean {
  const outcome = item.outcome?.toLowerCase()
  return (outcome !== undefined && outcome !== 'success') || /fail|error/i.test(item.status ?? '')
}

/** The first failed task, or the failed stage when none of its tasks is marked. */
export function findCulprit(run: Run): { stage: Stage; task?: Task } | undefined {
  for (const stage of run.stages) {
    const task = stage.tasks.find(failed)
    if (task) return { stage, task }
    if (failed(stage)) return { stage }
  }
  return undefined
}

function culpritText(run: Run): { text: string; title?: string } {
  const found = findCulprit(run)
  if (!found) return { text: '' }
  const item = found.task ?? found.stage
  const title = found.task
    ? `${quote(found.stage.name)} › ${quote(found.task.name)}`
    : quote(found.stage.name)
  const what = found.task
    ? `stage "${quote(found.stage.name)}" task "${quote(found.task.name)}"`
    : `stage "${quote(found.stage.name)}"`
  const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : ''
  const code = item.errorCode ? ` [${quote(item.errorCode)}]` : ''
  return { text: `; ${what} failed${code}${error}`, title }
}

function lastSeen(run: Run): string {
  const active = run.stages.filter(
    s => s.status && s.status !== 'completed' && s.status !== 'waiting'
  )
  const stages = active.map(s => `stage "${quote(s.name)}" ${quote(s.status ?? '')}`).join(', ')
  return `last status ${quote(run.status ?? 'unknown')}${stages ? ` (${stages})` : ''}`
}

export function decide(result: WaitResult, pipelineId: string, timeoutMs: number): Verdict {
  const label = pipelineLabel(result.run, pipelineId)
  const runId = result.run?.runId
  // "run 42 of pipeline "web" (p1)", or just the pipeline while no run is known.
  const subject = runId ? `run ${quote(runId)} of ${label}` : label
  switch (result.kind) {
    case 'failed':
      return { conclusion: 'error', message: `Could not follow ${subject}: ${result.reason}` }
    case 'timed_out': {
      const seen = !result.run
        ? 'no status was received'
        : runId
          ? lastSeen(result.run)
          : 'the pipeline has no run yet'
      const problem = result.lastProblem ? `; last error: ${result.lastProblem}` : ''
      return {
        conclusion: 'timed_out',
        message: `Timed out after ${formatDuration(timeoutMs)} waiting for ${subject}: ${seen}${problem}.`
      }
    }
    case 'completed': {
      const outcome = result.run.outcome
      if (outcome === 'success') return { conclusion: 'success' }
      if (outcome === 'aborted')
        return { conclusion: 'cancelled', message: `The ${subject} was aborted.` }
      const culprit = culpritText(result.run)
      return {
        conclusion: 'failure',
        message: `The ${subject} ended with outcome ${quote(outcome ?? '(none)')}${culprit.text}.`,
        culprit: culprit.title
      }
    }
  }
}

/** Step outputs; only what is known is set. */
export function outputsOf(run: Run | null, conclusion: Conclusion): Record<string, string> {
  const outputs: Record<string, string> = { conclusion }
  if (!run) return outputs
  const known: Record<string, string | null> = {
    status: run.status,
    outcome: run.outcome,
    'build-id': run.runId,
    'pipeline-name': run.pipelineName,
    'detail-url': run.detailUrl,
    'elapsed-time': run.durationSeconds === null ? null : String(run.durationSeconds)
  }
  for (const [name, value] of Object.entries(known)) if (value !== null) outputs[name] = value
  outputs.stages = stagesJson(run.stages)
  return outputs
}

// GitHub takes up to 1 MB per output; stay well inside it however long the messages or many the stages.
const MAX_STAGES_BYTES = 512 * 1024
const MAX_MESSAGE_CHARS = 1000

/** The `stages` output: stages with their tasks, messages cut short, stages past the size cap left out. */
export function stagesJson(stages: Stage[]): string {
  const item = (t: Task) => ({
    name: t.name,
    status: t.status,
    outcome: t.outcome,
    duration: t.durationSeconds,
    error:
      t.errorMessage && t.errorMessage.length > MAX_MESSAGE_CHARS
        ? `${t.errorMessage.slice(0, MAX_MESSAGE_CHARS)}…`
        : t.errorMessage
  })
  const kept: string[] = []
  let size = 2
  for (const stage of stages) {
    const entry = JSON.stringify({ ...item(stage), tasks: stage.tasks.map(item) })
    size += Buffer.byteLength(entry) + 1
    if (size > MAX_STAGES_BYTES) break
    kept.push(entry)
  }
  return `[${kept.join(',')}]`
}
