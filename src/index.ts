// The process: signals in, exit out. The step itself is run() in main.ts.
import { cancelDeadlineMissed, run } from './main.js'

// The runner sends SIGINT on cancel and SIGTERM 7.5 s later: whatever is still under way, the step ends
// before that.
const CANCEL_DEADLINE_MS = 6_500

// Failed until a verdict of success says otherwise: a path that ends with no verdict (a bug, an event
// loop left with nothing to do) must not pass.
process.exitCode = 1

const cancel = new AbortController()
function onSignal(signal: NodeJS.Signals): void {
  if (cancel.signal.aborted) return
  cancel.abort(signal)
  setTimeout(() => {
    cancelDeadlineMissed(CANCEL_DEADLINE_MS)
    process.exit(1)
  }, CANCEL_DEADLINE_MS).unref()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

void run(cancel.signal).then(() => {
  // The verdict is out. A DNS lookup or proxy handshake abandoned at the deadline can still hold the
  // event loop for many seconds; it must not hold the step.
  setTimeout(() => process.exit(), 200).unref()
})
