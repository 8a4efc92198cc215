export const id = 289;
export const ids = [289];
export const modules = {

/***/ 5289:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   signRequest: () => (/* binding */ signRequest)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
// Huawei Cloud API Gateway request signing ("SDK-HMAC-SHA256"), byte for byte as the official SDK's
// AKSKSigner computes it, so that a request signed here is accepted wherever the SDK's would be.

const ALGORITHM = 'SDK-HMAC-SHA256';
// Set by signRequest or by Node (Host), never by the caller. X-Sdk-Content-Sha256 would make the
// gateway take its value in place of the body's hash.
const RESERVED = new Set([
    'host',
    'x-sdk-date',
    'x-security-token',
    'authorization',
    'x-sdk-content-sha256'
]);
// The SDK orders SignedHeaders by code unit but the canonical header lines by localeCompare; the two
// orders agree (and are locale-proof) only for names of letters, digits and '-'.
const HEADER_NAME = /^[A-Za-z0-9-]+$/;
/**
 * The headers to add to the request: X-Sdk-Date, X-Security-Token (only when keys.securityToken),
 * Authorization. Throws on a header it sets itself or whose name is not letters, digits and '-'.
 */
function signRequest(request, keys, now) {
    const url = new URL(request.url);
    const date = sdkDate(now);
    const added = { 'X-Sdk-Date': date };
    if (keys.securityToken)
        added['X-Security-Token'] = keys.securityToken;
    // URL.host leaves out a default port, as Node's Host header does.
    const headers = new Map([['host', url.host]]);
    for (const [name, value] of Object.entries(added))
        headers.set(name.toLowerCase(), value);
    for (const [name, value] of Object.entries(request.headers)) {
        const lower = name.toLowerCase();
        if (!HEADER_NAME.test(name))
            throw new Error(`cannot sign header "${name}": not a plain name`);
        if (RESERVED.has(lower) || headers.has(lower)) {
            throw new Error(`cannot sign header "${name}": it is set by the signer or given twice`);
        }
        // HTTP parsing strips surrounding whitespace, so the gateway only ever sees the trimmed value.
        headers.set(lower, value.trim());
    }
    const names = [...headers.keys()].sort();
    const signedHeaders = names.join(';');
    const canonicalRequest = [
        // Node sends the method upper-cased.
        request.method.toUpperCase(),
        canonicalUri(url.pathname),
        canonicalQuery(url.search),
        names.map(name => `${name}:${headers.get(name)}\n`).join(''),
        signedHeaders,
        sha256(request.body)
    ].join('\n');
    const stringToSign = [ALGORITHM, date, sha256(canonicalRequest)].join('\n');
    const signature = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', keys.secretKey).update(stringToSign, 'utf8').digest('hex');
    return {
        ...added,
        Authorization: `${ALGORITHM} Access=${keys.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`
    };
}
/** YYYYMMDDTHHMMSSZ in UTC, milliseconds dropped as by the SDK's moment format. */
function sdkDate(now) {
    return now
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, '');
}
// The SDK hands the signer the path with its parameters raw (not yet percent-encoded), so decode the
// whole path first: an encoded '/' in a segment then separates segments, as it does for the SDK and
// for the gateway's reference signers (which unquote the path before splitting it).
function canonicalUri(encodedPath) {
    const path = decodeURIComponent(encodedPath).split('/').map(encode).join('/');
    return path.endsWith('/') ? path : `${path}/`;
}
// Pairs sorted by decoded name, then decoded value, with the default (UTF-16 code unit) comparison,
// because the SDK sorts its raw queryParams keys and each array of values with Array.prototype.sort.
// A naive reading of the spec ("sorted by name") would sort the encoded names, which differs: 'a'
// sorts before '{' here but after its encoding '%7B' (likewise '~' and 'é'), and astral characters
// (surrogates, 0xD8xx) sort before U+E000..U+FFFF here but after them by UTF-8 bytes.
// A name without '=' has the value '' (the SDK sends `name=`); '+' is a literal plus, as
// encodeURIComponent never leaves one raw.
function canonicalQuery(search) {
    const pairs = search
        .slice(1)
        .split('&')
        .filter(pair => pair !== '')
        .map(pair => {
        const eq = pair.indexOf('=');
        return eq < 0
            ? [decodeURIComponent(pair), '']
            : [decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1))];
    });
    pairs.sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB));
    return pairs.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
// RFC 3986 unreserved characters kept, everything else as %XX of its UTF-8 bytes.
function encode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function sha256(text) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(text, 'utf8').digest('hex');
}


/***/ })

};
