// What every flow works with: the step's I/O, the pipeline's API, the settings, and the cancel signal.
import type { PipelineApi } from '../codearts/pipeline-api.js'
import type { Settings } from '../input-helper.js'
import type { StepIO } from '../step-io.js'

export interface FlowContext {
  io: StepIO
  api: PipelineApi
  settings: Settings
  /** Aborted when the workflow is cancelled. */
  cancel: AbortSignal
}

// The runner sends SIGINT on cancel and SIGTERM 7.5 s later: stopping the run and writing the summary
// must fit well inside that (index.ts exits 6.5 s after the signal whatever is pending).
export const STOP_TIMEOUT_MS = 3_000

export function describeTarget(settings: Settings): string {
  const api = settings.apiVersion === 'v5' ? `v5, project ${settings.projectId}` : 'v3'
  return `pipeline ${settings.pipelineId} at ${settings.endpoint} (${api})`
}
