// What the flows may do to the step: log, annotate, set outputs, write the job summary. main.ts backs it
// with @actions/core; the flows' tests with a fake that records every call.

export interface AnnotationProperties {
  title?: string
}

export interface StepIO {
  /** A plain log line. */
  info(message: string): void
  debug(message: string): void
  notice(message: string, properties?: AnnotationProperties): void
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  /** A foldable group of log lines. */
  group(title: string, lines: string[]): void
  /** A foldable group of text from the server (a log), in which no workflow command is obeyed. */
  serverText(title: string, lines: string[]): void
  setOutput(name: string, value: string): void
  appendSummary(html: string): Promise<void>
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Runs a step of reporting whose failure must not change the result (or hide the real error). */
export function bestEffort(
  io: StepIO,
  what: string,
  report: () => void | Promise<unknown>
): Promise<void> {
  return Promise.resolve()
    .then(report)
    .then(
      () => undefined,
      error => io.warning(`Could not ${what}: ${messageOf(error)}`)
    )
}
