// The CodeArts Pipeline API as the wait needs it: URLs, auth headers, and answers read into `Answer`.
import { readAnswer, type Answer } from './answer.js'
import type { Auth } from './auth.js'
import type { Transport } from './transport.js'

export interface ClientOptions {
  endpoint: string
  auth: Auth
  transport: Transport
  now?: () => number
}

export class CodeArtsClient {
  constructor(private readonly options: ClientOptions) {}

  /** Status of run `runId` of the pipeline, or of its latest run when `runId` is undefined. */
  async status(pipelineId: string, runId: string | undefined, timeoutMs: number): Promise<Answer> {
    const query = runId === undefined ? '' : `?build_id=${encodeURIComponent(runId)}`
    const url = `${this.options.endpoint}/v3/pipelines/${encodeURIComponent(pipelineId)}/status${query}`
    try {
      const response = await this.options.transport.request({
        method: 'GET',
        url,
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json;charset=UTF-8',
          ...this.options.auth({ method: 'GET', url })
        },
        timeoutMs
      })
      return readAnswer(response, (this.options.now ?? Date.now)())
    } catch (error) {
      return { kind: 'transient', reason: error instanceof Error ? error.message : String(error) }
    }
  }
}
