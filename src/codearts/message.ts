// A message from the API as the user should read it. v5 often sends a job's or step's message as JSON
// (`{"errorMessage":"...","errorCode":"..."}` and the like); its message and code are read out of it.

export interface Message {
  message: string | null
  code: string | null
}

const MESSAGE_KEYS = ['errorMessage', 'error_msg', 'errorMsg', 'message', 'msg', 'error_message']
const CODE_KEYS = ['errorCode', 'error_code', 'code']

function first(object: Record<string, unknown>, keys: string[]): string | null {
  for (const key of keys) {
    const value = object[key]
    if (typeof value === 'string' && value.trim() !== '') return value
    if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  }
  return null
}

/** `text` as message and code: read out of JSON when it is a JSON object that carries them. */
export function readMessage(text: string | null): Message {
  const trimmed = text?.trim() ?? ''
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return { message: text, code: null }
  let parsed: unknown
  try {
    parsed = JSON.parse(trimmed)
  } catch {
    return { message: text, code: null }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { message: text, code: null }
  }
  const object = parsed as Record<string, unknown>
  // One level of nesting: `{"error":{"code":..,"message":..}}`.
  const nested = typeof object.error === 'object' && object.error !== null ? object.error : null
  const inner = (nested as Record<string, unknown> | null) ?? object
  const message = first(inner, MESSAGE_KEYS) ?? first(object, MESSAGE_KEYS)
  const code = first(inner, CODE_KEYS) ?? first(object, CODE_KEYS)
  return message === null && code === null ? { message: text, code: null } : { message, code }
}
