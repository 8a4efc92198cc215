// The verdict: which conclusion a wait ends in, and the one-line reason when it is not success. Only a
// completed run with outcome `success` is a success; everything else fails.
import { quote } from './quote.js'
import { formatDuration } from './duration.js'
import type { Job, Run, Stage, Step, Task } from './model.js'
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

// How much an item looks to blame: an error outcome or message outranks, say, a task aborted because an
// earlier one failed.
function blame(item: Task): number {
  const outcome = item.outcome?.toLowerCase()
  if (outcome === 'success') return 0
  if (outcome === 'error' || item.errorMessage !== null || /fail|error/i.test(item.status ?? '')) {
    return 2
  }
  return outcome !== undefined ? 1 : 0
}

export interface Culprit {
  stage: Stage
  /** The job (v3 task) to blame; absent when the stage itself, or one of its gates, is. */
  task?: Job
  /** Within the job, its first failed step; or the stage's gate to blame. */
  step?: Step
  gate?: boolean
}

/** Of `items`, the first of the most to blame, when any is. */
function worstOf<T extends Task>(items: T[]): { item: T; blame: number } | undefined {
  let worst: { item: T; blame: number } | undefined
  for (const item of items) {
    const b = blame(item)
    if (b > (worst?.blame ?? 0)) worst = { item, blame: b }
  }
  return worst
}

/**
 * The most-to-blame job (the first of equals) with its first failed step; a stage's gate; or the stage
 * when nothing in it is marked. An error outranks an item aborted because of it.
 */
export function findCulprit(run: Run): Culprit | undefined {
  let culprit: Culprit | undefined
  let worst = 0
  for (const stage of run.stages) {
    const job = worstOf(stage.tasks)
    if (job && job.blame > worst) {
      const failed = job.item.steps.find(step => blame(step) === 2)
      ;[culprit, worst] = [{ stage, task: job.item, step: failed }, job.blame]
    }
    const gate = worstOf(stage.gates)
    if (gate && gate.blame > worst)
      [culprit, worst] = [{ stage, step: gate.item, gate: true }, gate.blame]
    if (blame(stage) > worst) [culprit, worst] = [{ stage }, blame(stage)]
  }
  return culprit
}

/** `Stage › Job › Step`, the culprit's place, one line. */
export function culpritPath({ stage, task, step }: Culprit): string {
  return [stage, task, step].flatMap(item => (item ? [quote(item.name)] : [])).join(' › ')
}

function culpritText(run: Run): { text: string; title?: string } {
  const found = findCulprit(run)
  if (!found) return { text: '' }
  const { stage, task, step, gate } = found
  // The step's own message says more than the job's generic one; else the job's, else the stage's.
  const item = [step, task, stage].find(i => i?.errorMessage) ?? step ?? task ?? stage
  const what = [
    `stage "${quote(stage.name)}"`,
    task && `task "${quote(task.name)}"`,
    step && `${gate ? 'gate' : 'step'} "${quote(step.name)}"`
  ]
    .filter(Boolean)
    .join(' ')
  const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : ''
  const code = item.errorCode ? ` [${quote(item.errorCode)}]` : ''
  return { text: `; ${what} failed${code}${error}`, title: culpritPath(found) }
}

// Stage statuses (v3 and v5) of stages that have not begun: not worth naming in a timeout message.
const NOT_BEGUN = new Set(['waiting', 'init', 'queued', 'unselected', 'skipped'])

function lastSeen(run: Run): string {
  const active = run.stages.filter(
    s =>
      s.status &&
      s.outcome === null &&
      !NOT_BEGUN.has(s.status.toLowerCase()) &&
      s.status.toLowerCase() !== 'completed'
  )
  const stages = active.map(s => `stage "${quote(s.name)}" ${quote(s.status ?? '')}`).join(', ')
  return `last status ${quote(run.status ?? 'unknown')}${stages ? ` (${stages})` : ''}`
}

/** `watchedRunId`: the run asked for (build-id, or the one started), named even when no answer was. */
export function decide(
  result: WaitResult,
  pipelineId: string,
  timeoutMs: number,
  watchedRunId?: string
): Verdict {
  const label = pipelineLabel(result.run, pipelineId)
  const runId = result.run?.runId ?? watchedRunId
  // "run 42 of pipeline "web" (p1)", or just the pipeline while no run is known.
  const subject = runId ? `run ${quote(runId)} of ${label}` : label
  switch (result.kind) {
    case 'cancelled':
      return {
        conclusion: 'cancelled',
        message: `The workflow was cancelled while waiting for ${subject}.`
      }
    case 'failed':
      return { conclusion: 'error', message: `Could not follow ${subject}: ${result.reason}` }
    case 'timed_out': {
      const seen = !result.run
        ? 'no usable status was received'
        : result.run.runId
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
      if (outcome === 'ignored') {
        return {
          conclusion: 'failure',
          message: `The ${subject} ended with outcome ignored: it never ran, as the pipeline's concurrency rule drops a new run while another is under way (set it to queue runs instead, or start this one again later).`
        }
      }
      const culprit = culpritText(result.run)
      return {
        conclusion: 'failure',
        message: `The ${subject} ended with outcome ${quote(outcome ?? '(none)')}${culprit.text}.`,
        culprit: culprit.title
      }
    }
  }
}
