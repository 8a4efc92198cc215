// What an id looks like: pipeline, project and run ids, from the inputs or from the API. An id is put
// into URLs, log lines and outputs, so one from the API is held to the same rule as one from a user.

export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/
export const ID_RULE = 'letters, digits, "-" and "_" only (at most 128 characters)'
