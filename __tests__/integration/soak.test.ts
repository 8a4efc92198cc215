// Soak: thousands of polls through the real transport, client and API against the fake server, with a
// tiny poll interval, to show that nothing accumulates per poll: the heap after a full GC is the same
// late in the wait as early on, and the polls share one kept-alive connection.
import * as diagnostics from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { tokenAuth } from '../../src/codearts/auth.js'
import { CodeArtsClient } from '../../src/codearts/client.js'
import { pipelineApi } from '../../src/codearts/pipeline-api.js'
import { createTransport } from '../../src/codearts/transport.js'
import { waitForRun } from '../../src/poller.js'
import { scriptedRun, startFakeCodeArts, type FakeStep } from '../support/fake-codearts.js'

const TOKEN = 'tok-soak-0a1b2c3d4e5f-SECRET'
const POLLS = 3000
const EARLY_POLL = 500
const POLL_INTERVAL_MS = 2
const MAX_HEAP_GROWTH_BYTES = 2 * 1024 * 1024

// jest's node is not started with --expose-gc; this gives a context a gc() all the same.
setFlagsFromString('--expose_gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGc(): number {
  // Twice: the first pass can leave garbage that only a second one frees (weak references, finalizers).
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

it(`keeps memory flat and one connection over ${POLLS} polls`, async () => {
  // A realistic three-stage body: the same running state at every poll, then the end.
  const [starting, running, done] = scriptedRun('b-soak', 2, 'success') as [
    FakeStep,
    FakeStep,
    FakeStep
  ]
  const fake = await startFakeCodeArts(
    (_request, index) => (index === 0 ? starting : index < POLLS ? running : done),
    { auth: { token: TOKEN } }
  )
  const transport = createTransport()
  const client = new CodeArtsClient({
    endpoint: fake.url,
    auth: tokenAuth(TOKEN),
    credentials: { method: 'token', token: TOKEN },
    transport,
    secrets: new Set([TOKEN])
  })
  const api = pipelineApi(client, { version: 'v3', pipelineId: 'pipe-1', projectId: undefined })

  // Every client socket the process opens from here on (the transport's, since nothing else connects),
  // and those of them still open.
  let connections = 0
  const open = new Set<Socket>()
  const onSocket = (message: unknown): void => {
    const { socket } = message as { socket: Socket }
    connections += 1
    open.add(socket)
    socket.once('close', () => open.delete(socket))
  }
  diagnostics.subscribe('net.client.socket', onSocket)

  let polls = 0
  let lines = 0
  let earlyHeap = 0
  let earlySockets = 0
  let maxSockets = 0
  const startedAt = Date.now()
  try {
    const result = await waitForRun({
      runId: undefined,
      timeoutMs: 120_000,
      pollIntervalMs: POLL_INTERVAL_MS,
      fetchStatus: (runId, timeoutMs) => {
        polls += 1
        // The fake server keeps every request it sees; that is the test's memory, not the action's.
        fake.requests.length = 0
        if (polls % 100 === 0) maxSockets = Math.max(maxSockets, open.size)
        if (polls === EARLY_POLL) {
          earlyHeap = heapAfterGc()
          earlySockets = open.size
        }
        return api.status(runId, timeoutMs)
      },
      parse: api.parse,
      log: {
        info: () => void (lines += 1),
        debug: () => undefined,
        warning: () => void (lines += 1)
      }
    })
    const lateHeap = heapAfterGc()
    const lateSockets = open.size
    const ms = Date.now() - startedAt

    expect(result.kind).toBe('completed')
    expect(result.kind === 'completed' && result.run.outcome).toBe('success')
    expect(polls).toBe(POLLS + 1)
    // A line per change, not per poll.
    expect(lines).toBeLessThan(20)

    const growth = lateHeap - earlyHeap
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(2)
    console.log(
      `soak: ${polls} polls in ${ms} ms; heap after GC at poll ${EARLY_POLL} ${mb(earlyHeap)} MB, ` +
        `at the end ${mb(lateHeap)} MB (growth ${mb(growth)} MB); client connections opened ` +
        `${connections}; open at poll ${EARLY_POLL} ${earlySockets}, at most ${maxSockets}, ` +
        `at the end ${lateSockets}`
    )
    expect(growth).toBeLessThan(MAX_HEAP_GROWTH_BYTES)
    // One kept-alive connection for all polls; a reconnect (the server closing an idle socket) is
    // fine, a socket per poll is not.
    expect(connections).toBeGreaterThanOrEqual(1)
    expect(connections).toBeLessThanOrEqual(2)
    expect(earlySockets).toBe(1)
    expect(maxSockets).toBeLessThanOrEqual(2)
    expect(lateSockets).toBeLessThanOrEqual(2)
  } finally {
    diagnostics.unsubscribe('net.client.socket', onSocket)
    transport.close()
    await fake.close()
  }
}, 60_000)
