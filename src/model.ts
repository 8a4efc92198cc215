// One internal picture of a pipeline run, whatever API generation it came from.

export interface Task {
  id: string
  name: string
  /** The API's own status text, e.g. `running`; null when the API gave none. */
  status: string | null
  /** `success`, `error`, `aborted` or another API text; null until completed. */
  outcome: string | null
  /**
   * When it began, in the run's own form: v3's zone-less `2020-09-01 17:13:18` (the region's local
   * time) or v5's `2024-11-26T05:46:40Z`; null until it begins.
   */
  startTime: string | null
  durationSeconds: number | null
  errorCode: string | null
  errorMessage: string | null
}

/** A step of a v5 job, or a stage's gate (a check before or after it, with no job of its own). */
export interface Step extends Task {
  /** The plug-in the step runs (`official_devcloud_cloudBuild`, ...). */
  task: string | null
}

export interface Job extends Task {
  /** v5 only; [] on v3. */
  steps: Step[]
}

export interface Stage extends Task {
  tasks: Job[]
  /** v5 stage gates (`pre[]`, then `post[]`); [] on v3. */
  gates: Step[]
}

export interface Artifact {
  name: string
  version: string | null
  downloadUrl: string | null
}

export interface Run {
  pipelineName: string | null
  /** The run's number in the pipeline (v5 `run_number`), shown as `#128`. */
  runNumber: number | null
  /** Null when the pipeline has never run. */
  runId: string | null
  status: string | null
  outcome: string | null
  /**
   * What the status means for the wait: `completed` ends it; `undocumented` is a status the API does not
   * document, waited on like `in-progress` but worth a warning.
   */
  phase: Phase
  executor: string | null
  startTime: string | null
  endTime: string | null
  durationSeconds: number | null
  detailUrl: string | null
  parameters: { name: string; value: string }[]
  stages: Stage[]
  /** What the run was built from (v5); [] when the API does not say. */
  sources: BuiltSource[]
  /** What the run produced (v5 detail `artifacts`); [] when the API does not say. */
  artifacts: Artifact[]
  /** Stages, jobs, steps and gates the answer held beyond what is read (a bound on the work). */
  leftOut: number
}

/** One repository of a run: the branch or tag it built, and the commit. */
export interface BuiltSource {
  gitUrl: string | null
  webUrl: string | null
  /** `branch` or `tag` as the API says it; null when it does not. */
  buildType: string | null
  branch: string | null
  tag: string | null
  /** The commit built: a full SHA, lower-case; null when the API names none or not a SHA. */
  commit: string | null
}

export type Phase = 'in-progress' | 'completed' | 'undocumented'

/** The tail of a failed step's log (v5). */
export interface StepLog {
  /** `Stage › Job › Step`. */
  path: string
  /** The last lines of the log, oldest first. */
  lines: string[]
}
