// The process: signals in, exit out. The step itself is run() in main.ts.
import { cancelDeadlineMissed, run } from './main.js'

// The runner sends SIGINT on cancel and SIGTERM 7.5 s later: whatever is still under way, the step ends
// before that.
const CANCEL_DEADLINE_MS = 6_500
// How long the exit waits for the log to reach the runner: the pipe may be slow to take a long log, and
// what is still queued when the process exits is lost (the error line with it).
const DRAIN_MS = 2_000
const DRAIN_ON_CANCEL_MS = 500

/** Resolves once what was written to `stream` so far is out, or after `ms`. */
function drained(stream: NodeJS.WriteStream, ms: number): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms)
    timer.unref()
    stream.write('', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Exits with `code`, or with process.exitCode when undefined, once the log is out. */
async function exit(code: number | undefined, drainMs: number): Promise<never> {
  await Promise.all([drained(process.stdout, drainMs), drained(process.stderr, drainMs)])
  // process.exit(undefined) would set the exit code to undefined, that is 0: never pass it on.
  return code === undefined ? process.exit() : process.exit(code)
}

// Failed until a verdict of success says otherwise: a path that ends with no verdict (a bug, an event
// loop left with nothing to do) must not pass.
process.exitCode = 1

const cancel = new AbortController()
function onSignal(signal: NodeJS.Signals): void {
  if (cancel.signal.aborted) return
  cancel.abort(signal)
  setTimeout(() => {
    cancelDeadlineMissed(CANCEL_DEADLINE_MS)
    void exit(1, DRAIN_ON_CANCEL_MS)
  }, CANCEL_DEADLINE_MS).unref()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

// Once the verdict is out, the step ends when the log is: a DNS lookup or proxy handshake abandoned at
// the deadline can still hold the event loop for many seconds, and must not hold the step.
void run(cancel.signal).then(() => exit(undefined, DRAIN_MS))
