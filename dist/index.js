/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 598:
/***/ ((module) => {

module.exports = require("node:crypto");

/***/ }),

/***/ 708:
/***/ ((module) => {

module.exports = require("node:https");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = require("node:tls");

/***/ }),

/***/ 877:
/***/ ((module) => {

module.exports = require("node:v8");

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			// no module.id needed
/******/ 			// no module.loaded needed
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/******/ 	// expose the modules object (__webpack_modules__)
/******/ 	__nccwpck_require__.m = __webpack_modules__;
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/******/ 	/* webpack/runtime/compat get default export */
/******/ 	(() => {
/******/ 		// getDefaultExport function for compatibility with non-harmony modules
/******/ 		__nccwpck_require__.n = (module) => {
/******/ 			var getter = module && module.__esModule ?
/******/ 				() => (module['default']) :
/******/ 				() => (module);
/******/ 			__nccwpck_require__.d(getter, { a: getter });
/******/ 			return getter;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/create fake namespace object */
/******/ 	(() => {
/******/ 		var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 		var leafPrototypes;
/******/ 		// create a fake namespace object
/******/ 		// mode & 1: value is a module id, require it
/******/ 		// mode & 2: merge all properties of value into the ns
/******/ 		// mode & 4: return value when already ns object
/******/ 		// mode & 16: return value when it's Promise-like
/******/ 		// mode & 8|1: behave like require
/******/ 		__nccwpck_require__.t = function(value, mode) {
/******/ 			if(mode & 1) value = this(value);
/******/ 			if(mode & 8) return value;
/******/ 			if(typeof value === 'object' && value) {
/******/ 				if((mode & 4) && value.__esModule) return value;
/******/ 				if((mode & 16) && typeof value.then === 'function') return value;
/******/ 			}
/******/ 			var ns = Object.create(null);
/******/ 			__nccwpck_require__.r(ns);
/******/ 			var def = {};
/******/ 			leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 			for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 				Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 			}
/******/ 			def['default'] = () => (value);
/******/ 			__nccwpck_require__.d(ns, def);
/******/ 			return ns;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/define property getters */
/******/ 	(() => {
/******/ 		// define getter functions for harmony exports
/******/ 		__nccwpck_require__.d = (exports, definition) => {
/******/ 			for(var key in definition) {
/******/ 				if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 					Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 				}
/******/ 			}
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/ensure chunk */
/******/ 	(() => {
/******/ 		__nccwpck_require__.f = {};
/******/ 		// This file contains only the entry chunk.
/******/ 		// The chunk loading function for additional chunks
/******/ 		__nccwpck_require__.e = (chunkId) => {
/******/ 			return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 				__nccwpck_require__.f[key](chunkId, promises);
/******/ 				return promises;
/******/ 			}, []));
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/get javascript chunk filename */
/******/ 	(() => {
/******/ 		// This function allow to reference async chunks
/******/ 		__nccwpck_require__.u = (chunkId) => {
/******/ 			// return url for filenames based on template
/******/ 			return "" + chunkId + ".index.js";
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/hasOwnProperty shorthand */
/******/ 	(() => {
/******/ 		__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/make namespace object */
/******/ 	(() => {
/******/ 		// define __esModule on exports
/******/ 		__nccwpck_require__.r = (exports) => {
/******/ 			if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 				Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 			}
/******/ 			Object.defineProperty(exports, '__esModule', { value: true });
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/require chunk loading */
/******/ 	(() => {
/******/ 		// no baseURI
/******/ 		
/******/ 		// object to store loaded chunks
/******/ 		// "1" means "loaded", otherwise not loaded yet
/******/ 		var installedChunks = {
/******/ 			792: 1
/******/ 		};
/******/ 		
/******/ 		// no on chunks loaded
/******/ 		
/******/ 		var installChunk = (chunk) => {
/******/ 			var moreModules = chunk.modules, chunkIds = chunk.ids, runtime = chunk.runtime;
/******/ 			for(var moduleId in moreModules) {
/******/ 				if(__nccwpck_require__.o(moreModules, moduleId)) {
/******/ 					__nccwpck_require__.m[moduleId] = moreModules[moduleId];
/******/ 				}
/******/ 			}
/******/ 			if(runtime) runtime(__nccwpck_require__);
/******/ 			for(var i = 0; i < chunkIds.length; i++)
/******/ 				installedChunks[chunkIds[i]] = 1;
/******/ 		
/******/ 		};
/******/ 		
/******/ 		// require() chunk loading for javascript
/******/ 		__nccwpck_require__.f.require = (chunkId, promises) => {
/******/ 			// "1" is the signal for "already loaded"
/******/ 			if(!installedChunks[chunkId]) {
/******/ 				if(true) { // all chunks have JS
/******/ 					installChunk(require("./" + __nccwpck_require__.u(chunkId)));
/******/ 				} else installedChunks[chunkId] = 1;
/******/ 			}
/******/ 		};
/******/ 		
/******/ 		// no external install chunk
/******/ 		
/******/ 		// no HMR
/******/ 		
/******/ 		// no HMR manifest
/******/ 	})();
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = require("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = require("node:os");
;// CONCATENATED MODULE: ./src/runner.ts
// The runner's side of a step, as @actions/core speaks it: inputs from INPUT_* variables, workflow
// commands on stdout, and the GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files. Written here because importing
// @actions/core also loads its OIDC client and, through it, undici (1 MB): that alone made the action's
// start-up twice that of a bare `node -e 0`. Only main.ts uses this module.


/** The input's value, trimmed unless `trimWhitespace` is false; '' when not given. */
function getInput(name, options = {}) {
    const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '';
    return options.trimWhitespace === false ? value : value.trim();
}
// In a line that is not a `::` command, the runner also obeys the old `##[name ...]value` form anywhere,
// so server text (a stage name, a task's message) carrying one could set an output or stop command
// processing. A zero-width space between the two # keeps it plain text. Only where a command name
// follows: any other change to the text could keep a secret in it from matching its mask.
function inert(text) {
    return text.replace(/##\[(?=[\w-]+[\s;\]])/g, '#\u200B#[');
}
// Workflow command escaping, as the runner unescapes it.
function escapeData(text) {
    return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeProperty(text) {
    return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function command(name, message, properties = {}) {
    const props = Object.entries(properties)
        .filter(([, value]) => value)
        .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
        .join(',');
    process.stdout.write(`::${name}${props ? ` ${props}` : ''}::${escapeData(message)}${external_node_os_namespaceObject.EOL}`);
}
/** Registers a value for masking in the log. */
function setSecret(secret) {
    command('add-mask', secret);
}
function info(message) {
    process.stdout.write(inert(message) + external_node_os_namespaceObject.EOL);
}
function debug(message) {
    command('debug', message);
}
function notice(message, properties) {
    command('notice', message, properties);
}
function warning(message, properties) {
    command('warning', message, properties);
}
function error(message, properties) {
    command('error', message, properties);
}
/** A foldable group of log lines. */
function group(title, lines) {
    command('group', title);
    for (const line of lines)
        info(line);
    command('endgroup', '');
}
/** An error annotation, and exit code 1 whenever the process ends. */
function setFailed(message) {
    process.exitCode = 1;
    error(message);
}
function fileOf(variable) {
    const path = process.env[variable];
    if (!path)
        throw new Error(`Unable to find environment variable for file command ${variable}`);
    if (!(0,external_node_fs_namespaceObject.existsSync)(path))
        throw new Error(`Missing file at path: ${path}`);
    return path;
}
function setOutput(name, value) {
    if (!process.env.GITHUB_OUTPUT) {
        // Runners older than the output file still read the command.
        process.stdout.write(external_node_os_namespaceObject.EOL);
        command('set-output', value, { name });
        return;
    }
    // A fresh delimiter per value, so no value can end its own record early.
    // The global Web Crypto, loaded only here: importing node:crypto up front costs start-up.
    const delimiter = `ghadelimiter_${globalThis.crypto.randomUUID()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error('Unexpected input: the output contains its delimiter');
    }
    (0,external_node_fs_namespaceObject.appendFileSync)(fileOf('GITHUB_OUTPUT'), `${name}<<${delimiter}${external_node_os_namespaceObject.EOL}${value}${external_node_os_namespaceObject.EOL}${delimiter}${external_node_os_namespaceObject.EOL}`, 'utf8');
}
/** Appends HTML/Markdown to the step's job summary. */
function appendSummary(text) {
    (0,external_node_fs_namespaceObject.appendFileSync)(fileOf('GITHUB_STEP_SUMMARY'), text, 'utf8');
}

;// CONCATENATED MODULE: ./src/endpoint.ts
// Where the CodeArts Pipeline API lives: derived from the region, or named outright by the user.
const CLOUDPIPELINE_EXT = [
    'cn-north-1',
    'cn-north-4',
    'cn-east-2',
    'cn-east-3',
    'cn-south-1',
    'cn-south-2',
    'cn-southwest-2',
    'cn-northeast-1',
    'ap-southeast-3',
    'sa-brazil-1',
    'la-north-2'
];
const PIPELINE_EXTERNAL = ['tr-west-1', 'la-south-2'];
const PIPELINE = ['af-north-1', 'me-east-1', 'af-south-1'];
const EU_CLOUD = new Map([
    ['eu-west-101', 'https://pipeline-external.eu-west-101.myhuaweicloud.eu']
]);
const KNOWN_REGIONS = [
    ...CLOUDPIPELINE_EXT,
    ...PIPELINE_EXTERNAL,
    ...PIPELINE,
    ...EU_CLOUD.keys()
];
/** The API base URL of a region, or undefined for a region without a known endpoint. */
function regionEndpoint(region) {
    if (CLOUDPIPELINE_EXT.includes(region))
        return `https://cloudpipeline-ext.${region}.myhuaweicloud.com`;
    if (PIPELINE_EXTERNAL.includes(region))
        return `https://pipeline-external.${region}.myhuaweicloud.com`;
    if (PIPELINE.includes(region))
        return `https://pipeline.${region}.myhuaweicloud.com`;
    return EU_CLOUD.get(region);
}
/** IAM's base URL in a region: the EU cloud has its own domain, like its pipeline endpoint. */
function regionIamEndpoint(region) {
    return EU_CLOUD.has(region)
        ? `https://iam.${region}.myhuaweicloud.eu`
        : `https://iam.${region}.myhuaweicloud.com`;
}
function isLoopback(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (host === 'localhost' || host === '::1')
        return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
/**
 * A user-given base URL, normalised without a trailing slash; or an error text saying what is wrong.
 * Plain http is allowed only on loopback: anywhere else it would send the credentials in clear.
 */
const ENDPOINT_RULE = 'accepts an https base URL such as https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com (http only for 127.0.0.0/8, ::1 and localhost)';
function parseEndpoint(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return { error: `is not a URL; it ${ENDPOINT_RULE}` };
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
        return { error: `must use https; it ${ENDPOINT_RULE}` };
    }
    if (url.username || url.password) {
        return { error: `must not carry a user name or password; it ${ENDPOINT_RULE}` };
    }
    if (url.search || url.hash) {
        return { error: `must not have a query string or fragment; it ${ENDPOINT_RULE}` };
    }
    return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

;// CONCATENATED MODULE: ./src/credentials.ts
// Which credentials the step uses: exactly one method, chosen by a fixed precedence, from inputs or
// from the variables huaweicloud/auth-action exports. Pure: input-helper.ts feeds it the raw values.

/** Credential inputs in order of precedence; every one is read as a secret. */
const CREDENTIAL_INPUTS = [
    'token',
    'access-key',
    'secret-key',
    'security-token',
    'iam-username',
    'iam-password',
    'iam-domain'
];
const ENV_ACCESS_KEY = 'HUAWEI_CLOUD_ACCESS_KEY_ID';
const ENV_SECRET_KEY = 'HUAWEI_CLOUD_SECRET_ACCESS_KEY';
const ENV_SECURITY_TOKEN = 'HUAWEI_CLOUD_SECURITY_TOKEN';
// What a header can carry: anything else would fail on every request for the whole timeout.
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const HEADER_RULE = 'accepts visible ASCII characters only (no spaces or line breaks)';
function given(value) {
    return value !== '';
}
function missingWith(names, what) {
    const quoted = names.map(n => `"${n}"`);
    const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}` : quoted[0];
    return `Input${names.length > 1 ? 's' : ''} ${list} ${names.length > 1 ? 'are' : 'is'} required with ${what}.`;
}
/** Problems with pairs given by half, whichever method wins: each is almost surely a mistake. */
function halfGiven(inputs) {
    const problems = [];
    const keys = ['access-key', 'secret-key'];
    const keysGiven = keys.filter(n => given(inputs[n]));
    if (keysGiven.length === 1) {
        const [have] = keysGiven;
        problems.push(missingWith([keys.find(n => n !== have)], `"${have}"`));
    }
    if (given(inputs['security-token']) && keysGiven.length < 2) {
        problems.push('Input "security-token" is used only with "access-key" and "secret-key" (temporary access keys); set both, or remove it.');
    }
    const iam = ['iam-username', 'iam-password', 'iam-domain'];
    const iamGiven = iam.filter(n => given(inputs[n]));
    if (iamGiven.length > 0 && iamGiven.length < iam.length) {
        const what = iamGiven.map(n => `"${n}"`).join(' and ');
        problems.push(missingWith(iam.filter(n => !given(inputs[n])), what));
    }
    if (given(inputs['iam-endpoint']) && iamGiven.length === 0) {
        problems.push('Input "iam-endpoint" is used only for IAM password login (iam-username, iam-password, iam-domain); remove it, or set those.');
    }
    return problems;
}
function headerProblems(values) {
    return values
        .filter(([, value]) => given(value) && !HEADER_SAFE.test(value))
        .map(([name]) => `Input "${name}" ${HEADER_RULE}.`);
}
function fromEnvironment(values) {
    const accessKey = values.env(ENV_ACCESS_KEY);
    const secretKey = values.env(ENV_SECRET_KEY);
    if (!given(accessKey) && !given(secretKey)) {
        return {
            problems: [
                'No credentials: set the "token" input, or "access-key" and "secret-key", or "iam-username", ' +
                    `"iam-password" and "iam-domain"; or run huaweicloud/auth-action before this step, which sets ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY}.`
            ]
        };
    }
    if (!given(accessKey) || !given(secretKey)) {
        const [have, missing] = given(accessKey)
            ? [ENV_ACCESS_KEY, ENV_SECRET_KEY]
            : [ENV_SECRET_KEY, ENV_ACCESS_KEY];
        return {
            problems: [
                `The environment has ${have} but not ${missing}: set both (huaweicloud/auth-action does), or use the credential inputs.`
            ]
        };
    }
    const securityToken = values.env(ENV_SECURITY_TOKEN);
    const problems = [
        [ENV_ACCESS_KEY, accessKey],
        [ENV_SECRET_KEY, secretKey],
        [ENV_SECURITY_TOKEN, securityToken]
    ]
        .filter(([, value]) => given(value) && !HEADER_SAFE.test(value))
        .map(([name]) => `The environment variable ${name} ${HEADER_RULE}.`);
    if (problems.length)
        return { problems };
    return {
        credentials: {
            method: 'access-keys',
            from: 'environment',
            accessKey,
            secretKey,
            securityToken: securityToken || undefined
        },
        notes: []
    };
}
/** The one method to use: `token`, else access keys, else IAM password, else the environment. */
function chooseCredentials(values) {
    const { inputs } = values;
    const problems = [
        ...halfGiven(inputs),
        ...headerProblems([
            ['token', inputs.token],
            ['access-key', inputs['access-key']],
            ['secret-key', inputs['secret-key']],
            ['security-token', inputs['security-token']]
        ])
    ];
    const methods = [
        given(inputs.token) && 'token',
        given(inputs['access-key']) && given(inputs['secret-key']) && 'access-key/secret-key',
        given(inputs['iam-username']) && 'iam-username/iam-password/iam-domain'
    ].filter((m) => m !== false);
    const notes = methods.length > 1
        ? [
            `Several credentials are given; using ${methods[0]}, ignoring ${methods.slice(1).join(' and ')}.`
        ]
        : [];
    let credentials;
    if (given(inputs.token)) {
        credentials = { method: 'token', token: inputs.token };
    }
    else if (given(inputs['access-key']) && given(inputs['secret-key'])) {
        credentials = {
            method: 'access-keys',
            from: 'inputs',
            accessKey: inputs['access-key'],
            secretKey: inputs['secret-key'],
            securityToken: inputs['security-token'] || undefined
        };
    }
    else if (given(inputs['iam-username'])) {
        const iam = iamEndpoint(inputs['iam-endpoint'], values.region);
        if ('problem' in iam)
            problems.push(iam.problem);
        else {
            credentials = {
                method: 'iam-password',
                username: inputs['iam-username'],
                password: inputs['iam-password'],
                domain: inputs['iam-domain'],
                iamEndpoint: iam.url,
                project: values.region
            };
        }
    }
    if (problems.length)
        return { problems };
    if (credentials)
        return { credentials, notes };
    return fromEnvironment(values);
}
function iamEndpoint(text, region) {
    // The token is scoped to the region's project, so a region is needed even with iam-endpoint.
    if (!given(region)) {
        return {
            problem: 'Input "region" is required for IAM password login (or HUAWEI_CLOUD_REGION): the token is scoped to that region\'s project.'
        };
    }
    if (!given(text))
        return { url: regionIamEndpoint(region) };
    const parsed = parseEndpoint(text);
    // Never echoed: a URL refused for carrying a password would show the password.
    return 'url' in parsed ? parsed : { problem: `Input "iam-endpoint" ${parsed.error}.` };
}
/** What the credentials are, for logs and errors; never a value. */
function describeCredentials(credentials) {
    switch (credentials.method) {
        case 'token':
            return 'the IAM token (input "token")';
        case 'access-keys':
            return credentials.from === 'inputs'
                ? `the access keys (inputs "access-key" and "secret-key"${credentials.securityToken ? ', with "security-token"' : ''})`
                : `the access keys from ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY}${credentials.securityToken ? ` with ${ENV_SECURITY_TOKEN}` : ''} (as huaweicloud/auth-action sets them)`;
        case 'iam-password':
            return 'the IAM password login (inputs "iam-username", "iam-password" and "iam-domain")';
    }
}
/**
 * The values that must never be shown, to be cut out of every answer. The IAM user and account names are
 * masked in the log like every credential input, but not cut out of answers: they are names, often short
 * words, and cutting them out of a JSON body could break it.
 */
function secretValues(credentials) {
    switch (credentials.method) {
        case 'token':
            return [credentials.token];
        case 'access-keys':
            return [credentials.accessKey, credentials.secretKey, credentials.securityToken].filter((v) => v !== undefined);
        case 'iam-password':
            return [credentials.password];
    }
}

;// CONCATENATED MODULE: ./src/codearts/auth.ts

/** Credentials could not be had (e.g. the login failed); `answer` says what that means for the wait. */
class AuthFailure extends Error {
    answer;
    name = 'AuthFailure';
    constructor(answer) {
        super(answer.reason);
        this.answer = answer;
    }
}
/** An IAM token, sent as is. */
function tokenAuth(token) {
    return {
        headers: () => Promise.resolve({ 'X-Auth-Token': token }),
        renew: () => false
    };
}
/** Access keys: every request signed (SDK-HMAC-SHA256) at the moment it is sent. */
function accessKeyAuth(keys, now = Date.now) {
    return {
        // Loaded on first use: node:crypto costs start-up that token users need not pay.
        headers: async (request) => {
            const { signRequest } = await __nccwpck_require__.e(/* import() */ 289).then(__nccwpck_require__.bind(__nccwpck_require__, 289));
            return signRequest(request, keys, new Date(now()));
        },
        renew: () => false
    };
}
// What to do about each refusal, by the gateway's code and the method in use.
function adviceFor(credentials, code, status) {
    const method = describeCredentials(credentials);
    const check = credentials.method === 'token'
        ? 'check that the token input holds a current IAM token'
        : credentials.method === 'iam-password'
            ? 'check iam-username, iam-password and iam-domain'
            : credentials.from === 'environment'
                ? `check ${ENV_ACCESS_KEY} and ${ENV_SECRET_KEY} (and that temporary keys come with their security token)`
                : 'check access-key and secret-key (and that temporary keys come with security-token)';
    switch (code) {
        case 'APIGW.0301':
            return `the gateway did not accept ${method}: ${check}; five failures in a row lock the caller out for 5 minutes, so the action does not retry`;
        case 'APIGW.0303':
            return `the gateway found the request's time more than 15 minutes off its clock (using ${method}): fix the runner's clock`;
        case 'APIGW.0307':
            if (credentials.method === 'token')
                return `${method} must be updated: it expired (tokens live 24 hours) or was revoked; issue a new one, or use access keys, which do not expire`;
            if (credentials.method === 'iam-password')
                return `the token from ${method} was refused as expired or revoked (a new login is tried once per step)`;
            return credentials.securityToken
                ? `the security token of ${method} has expired: get new temporary credentials`
                : `the gateway called the credentials of ${method} expired: ${check}`;
        case 'DEV.00000001':
            return `the API recognised no credentials in the request (using ${method}): ${check}, and that the endpoint is the CodeArts Pipeline API`;
    }
    if (status === 403) {
        return `access denied: the IAM user of ${method} needs permission for this pipeline in CodeArts`;
    }
    return `the API refused ${method}: ${check}`;
}
/** What to do about a refusal, naming the method in use; `code` is the API's error code, if any. */
function refusalAdvice(credentials, refusal) {
    return adviceFor(credentials, refusal.code, refusal.status);
}

;// CONCATENATED MODULE: ./src/quote.ts
// Server text made safe to show: cut to a length, and (for logs and annotations) kept to one line.
const MAX_QUOTED = 300;
/** `text` cut to `max` characters with an ellipsis, never splitting a surrogate pair. */
function clip(text, max) {
    if (text.length <= max)
        return text;
    const end = /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max;
    return `${text.slice(0, end)}…`;
}
/**
 * One line of server text, short enough for a log line or annotation. One line means it can never start
 * a workflow command (`::...`) of its own; control characters could rewrite the line, and invisible
 * format characters (bidi overrides, zero-width spaces) could make it read as something else.
 */
function quote(value) {
    return clip(value
        .replace(/\p{Cf}/gu, '')
        .replace(/[\s\p{Cc}]+/gu, ' ')
        .trim(), MAX_QUOTED);
}
/** `url` when it is a plain web link, else null: a link from the server goes where users click or paste. */
function webUrl(url) {
    return url && /^https?:\/\/\S+$/i.test(url) ? url : null;
}

;// CONCATENATED MODULE: ./src/codearts/answer.ts
// What an HTTP answer from the API means for the wait: a body to read, a fault worth retrying, or an
// error no retry can fix. Pure, so every rule here is tested without a server.

// Credentials the gateway refused. Retrying these only counts towards its five-failure lock-out.
const AUTH_CODES = new Set(['APIGW.0301', 'APIGW.0303', 'APIGW.0307', 'DEV.00000001']);
function field(value) {
    return typeof value === 'string' && value.trim() !== '' ? value : null;
}
/** The API's error, from either documented shape, or null when the body carries none. */
function apiError(body) {
    if (typeof body !== 'object' || body === null)
        return null;
    const flat = body;
    const nested = flat.error;
    if (typeof nested === 'object' && nested !== null) {
        const e = nested;
        const found = { code: field(e.code), message: field(e.message) };
        if (found.code ?? found.message)
            return found;
    }
    const found = { code: field(flat.error_code), message: field(flat.error_msg) };
    return (found.code ?? found.message) ? found : null;
}
function describe(error) {
    if (!error)
        return '';
    const parts = [error.code && quote(error.code), error.message && quote(error.message)].filter(Boolean);
    return parts.length ? ` (${parts.join(': ')})` : '';
}
/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(value, nowMs) {
    const text = Array.isArray(value) ? value[0] : value;
    if (!text)
        return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(text)) {
        const ms = Number(text) * 1000;
        return Number.isFinite(ms) ? ms : undefined;
    }
    // Only an IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`): Date.parse reads much junk as some date.
    if (!/^\s*[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/.test(text))
        return undefined;
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
function parseJson(text) {
    try {
        return { json: JSON.parse(text) };
    }
    catch {
        return undefined;
    }
}
const FATAL_ADVICE = {
    400: 'the API rejected the request: check pipeline-id and build-id',
    404: 'not found: check pipeline-id, build-id and the region or endpoint'
};
/** Where a redirect points, as its origin only: the rest of a URL could carry anything, a credential too. */
function redirectTarget(location) {
    if (!location)
        return 'an unnamed location';
    try {
        return quote(new URL(location).origin);
    }
    catch {
        return 'a relative location';
    }
}
function readAnswer(response, nowMs) {
    const { status } = response;
    const parsed = parseJson(response.body);
    const error = parsed ? apiError(parsed.json) : null;
    const detail = describe(error);
    if (status >= 300 && status < 400) {
        return {
            kind: 'fatal',
            reason: `HTTP ${status} redirect to ${redirectTarget(response.headers.location)}; redirects are not followed, so credentials stay with the configured endpoint: check the endpoint input`
        };
    }
    if ((error?.code && AUTH_CODES.has(error.code)) || status === 401 || status === 403) {
        return {
            kind: 'fatal',
            reason: `HTTP ${status}${detail}`,
            refusal: { status, code: error?.code ?? undefined }
        };
    }
    if (status >= 200 && status < 300) {
        if (!parsed)
            return { kind: 'transient', reason: `HTTP ${status} with a body that is not JSON` };
        if (error) {
            return {
                kind: 'transient',
                reason: `HTTP ${status} carrying an API error${detail}`,
                body: parsed.json
            };
        }
        return { kind: 'ok', body: parsed.json };
    }
    if (status === 429 || status === 408 || status >= 500) {
        return {
            kind: 'transient',
            reason: `HTTP ${status}${detail}`,
            retryAfterMs: retryAfterMs(response.headers['retry-after'], nowMs),
            body: parsed?.json
        };
    }
    const advice = FATAL_ADVICE[status] ?? 'the API refused the request';
    return { kind: 'fatal', reason: `HTTP ${status}: ${advice}${detail}`, body: parsed?.json };
}
/** A certificate the runner does not trust will not become trusted by asking again. */
function isTlsTrustError(code) {
    return (typeof code === 'string' &&
        /^(CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|ERR_TLS_CERT_)/.test(code));
}
// Failures no retry can mend, with what to do about each.
const FINAL_FAILURES = {
    ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate does not name this host: check the endpoint (or iam-endpoint) input, or a proxy that intercepts TLS',
    ERR_PROXY_AUTH: 'the proxy wants credentials, or refused those given: check the user and password in https_proxy (percent-encoded)',
    ERR_PROXY_FORBIDDEN: 'the proxy refused the connection to the endpoint: ask its administrator, or list the host in no_proxy'
};
/** What it means that a request got no answer at all (`error` is what the transport threw). */
function noAnswer(error, what = '') {
    const reason = `${what}${error instanceof Error ? error.message : String(error)}`;
    const code = error?.code;
    const final = typeof code === 'string' ? FINAL_FAILURES[code] : undefined;
    if (final)
        return { kind: 'fatal', reason: `${reason}: ${final}` };
    if (isTlsTrustError(code)) {
        return {
            kind: 'fatal',
            reason: `${reason}: the TLS certificate is not trusted; check the endpoint (or iam-endpoint) input, or give the runner its CA with NODE_EXTRA_CA_CERTS`
        };
    }
    // Failed before a connection was made: the request surely did not reach the API.
    if (typeof code === 'string' && UNCONNECTED.has(code))
        return { kind: 'transient', reason, notSent: true };
    return { kind: 'transient', reason };
}
/** Codes of a connection never made: no address for the host (DNS), or no route or listener there. */
const UNCONNECTED = new Set([
    'ENOTFOUND',
    'EAI_AGAIN',
    'ETIMEOUT',
    'ECANCELLED',
    'ESERVFAIL',
    'EREFUSED',
    'EBADRESP',
    'EFORMERR',
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH'
]);

;// CONCATENATED MODULE: ./src/codearts/client.ts


function scrub(text, secrets) {
    // Longest first, so that a secret containing a shorter one is cut whole, not around the shorter one.
    const ordered = [...secrets].filter(Boolean).sort((a, b) => b.length - a.length);
    let clean = text;
    for (const secret of ordered) {
        // Also the forms a JSON encoder writes (`"`, `\\` and controls escaped, maybe `/` too) and the
        // form a URL carries. Forms only a parser decodes (`\u0026`) are caught by scrubbing the parsed text.
        const json = JSON.stringify(secret).slice(1, -1);
        const forms = [secret, json, json.replace(/\//g, '\\/'), encodeURIComponent(secret)];
        for (const form of new Set(forms)) {
            clean = clean.split(form).join('***');
        }
    }
    return clean;
}
const USER_AGENT = 'codearts-pipeline-action';
const MAX_DEPTH = 32;
const MIN_POST_MS = 1_000;
class CodeArtsClient {
    options;
    now;
    constructor(options) {
        this.options = options;
        this.now = options.now ?? Date.now;
    }
    /**
     * One API call, answered within `timeoutMs`. A token the API calls expired is renewed once (if the
     * credentials can be) and the call made again within the same time.
     */
    async request(method, path, body, timeoutMs) {
        const deadline = this.now() + timeoutMs;
        let answer = await this.once(method, path, body, timeoutMs);
        if (answer.kind === 'fatal' &&
            answer.refusal?.code === 'APIGW.0307' &&
            this.options.auth.renew()) {
            const left = deadline - this.now();
            // With no time left for it here, the next poll makes the new login. The gateway refused the
            // token, so the request went no further: a start was not made.
            if (left <= 0) {
                return { kind: 'transient', reason: 'the token expired; logging in again', notSent: true };
            }
            answer = await this.once(method, path, body, left);
        }
        if (answer.kind === 'fatal' && answer.refusal) {
            return {
                ...answer,
                reason: `${answer.reason}: ${refusalAdvice(this.options.credentials, answer.refusal)}`
            };
        }
        return answer;
    }
    async once(method, path, body, timeoutMs) {
        const url = `${this.options.endpoint}${path}`;
        const text = body === undefined ? '' : JSON.stringify(body);
        const headers = { Accept: 'application/json', 'User-Agent': USER_AGENT };
        if (text !== '')
            headers['Content-Type'] = 'application/json;charset=UTF-8';
        const started = this.now();
        let auth;
        try {
            auth = await this.options.auth.headers({ method, url, headers, body: text }, timeoutMs);
        }
        catch (error) {
            if (error instanceof AuthFailure) {
                return error.answer.kind === 'transient' ? { ...error.answer, notSent: true } : error.answer;
            }
            throw error;
        }
        const left = timeoutMs - (this.now() - started);
        // A POST changes something (starts a run): sent with no time left to hear the answer, it would leave
        // the step unsure whether it happened. Not sent, it surely did not.
        if (method === 'POST' && left < MIN_POST_MS) {
            return {
                kind: 'transient',
                reason: `the credentials took ${timeoutMs - left} ms of the request's ${timeoutMs} ms, too few were left to send it`,
                notSent: true
            };
        }
        try {
            const response = await this.options.transport.request({
                method,
                url,
                headers: { ...headers, ...auth },
                body: text,
                timeoutMs: Math.max(1, left)
            });
            const answer = readAnswer(this.scrubbed(response), this.now());
            // The reason can also quote the Location header or a non-JSON body: scrubbed too, to be sure.
            return answer.kind === 'ok'
                ? answer
                : { ...answer, reason: scrub(answer.reason, this.options.secrets) };
        }
        catch (error) {
            return noAnswer(error);
        }
    }
    scrubbed(response) {
        const { secrets } = this.options;
        const location = response.headers.location;
        return {
            status: response.status,
            headers: location === undefined
                ? response.headers
                : { ...response.headers, location: scrub(location, secrets) },
            body: scrubbedBody(response.body, secrets)
        };
    }
}
/**
 * The body without the secrets: cut from its text, then, for JSON, from every string once its escapes
 * are decoded (an echo may spell a credential `\u0041...`), before anything reads the body or clips
 * its messages, which would leave a prefix of a long credential that no longer matches whole.
 */
function scrubbedBody(text, secrets) {
    const plain = scrub(text, secrets);
    let parsed;
    try {
        parsed = JSON.parse(plain);
    }
    catch {
        return plain;
    }
    // Nothing the action reads lies deeper than a few levels; deeper values are dropped rather than
    // walked, so a body nested thousands deep cannot exhaust the stack.
    const deep = (value, depth) => {
        if (typeof value === 'string')
            return scrub(value, secrets);
        if (typeof value !== 'object' || value === null)
            return value;
        if (depth >= MAX_DEPTH)
            return null;
        if (Array.isArray(value))
            return value.map(item => deep(item, depth + 1));
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k, secrets), deep(v, depth + 1)]));
    };
    return JSON.stringify(deep(parsed, 0));
}

;// CONCATENATED MODULE: ./src/codearts/iam.ts
// IAM password login: one token exchange per step, and one more only when the API calls the token
// expired. The token is handed to `onToken` (which masks it) before anything else sees it.



function loginBody(login) {
    return JSON.stringify({
        auth: {
            identity: {
                methods: ['password'],
                password: {
                    user: { name: login.username, password: login.password, domain: { name: login.domain } }
                }
            },
            scope: { project: { name: login.project } }
        }
    });
}
const CHECK = 'check iam-username, iam-password and iam-domain';
/** What a failed login answer means: IAM's own refusals are final, the rest worth another try. */
function loginFailure(status, body, scrub) {
    let detail = '';
    try {
        const error = apiError(JSON.parse(scrub(body)));
        // Scrubbed again once decoded: an escaped secret (`\u0026`) only shows itself after parsing.
        if (error?.message)
            detail = ` (${quote(scrub(error.message))})`;
    }
    catch {
        // Not JSON: the status says enough.
    }
    const what = `IAM login failed: HTTP ${status}${detail}`;
    if (status === 401) {
        return {
            kind: 'fatal',
            reason: `${what}: ${CHECK}; five wrong passwords in a row lock the IAM user for a while`
        };
    }
    if (status === 403) {
        return {
            kind: 'fatal',
            reason: `${what}: the user may not log in with a password here (a login protection, an access policy, or a locked user)`
        };
    }
    if (status === 400 || status === 404) {
        return {
            kind: 'fatal',
            reason: `${what}: ${CHECK}, and the region (the token is scoped to its project) or iam-endpoint`
        };
    }
    return { kind: 'transient', reason: what };
}
function within(promise, ms) {
    let timer;
    const late = new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new AuthFailure({ kind: 'transient', reason: `IAM login did not finish within ${ms} ms` })), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
function passwordAuth(login, transport, onToken, scrub) {
    // The login in progress or done, shared so that overlapping requests (a stop during a poll) log in once.
    let token;
    let renewed = false;
    /** The new token; rejects with AuthFailure. */
    const logIn = async (timeoutMs) => {
        let response;
        try {
            response = await transport.request({
                method: 'POST',
                url: `${login.iamEndpoint}/v3/auth/tokens`,
                headers: {
                    'Content-Type': 'application/json;charset=utf8',
                    Accept: 'application/json',
                    'User-Agent': 'codearts-pipeline-action'
                },
                body: loginBody(login),
                timeoutMs
            });
        }
        catch (error) {
            throw new AuthFailure(noAnswer(error, 'IAM login failed: '));
        }
        const subject = response.headers['x-subject-token'];
        const issued = Array.isArray(subject) ? subject[0] : subject;
        if (response.status >= 200 && response.status < 300 && issued) {
            onToken(issued);
            return issued;
        }
        if (response.status >= 200 && response.status < 300) {
            throw new AuthFailure({
                kind: 'fatal',
                reason: `IAM login answered HTTP ${response.status} without a token (no X-Subject-Token header): check iam-endpoint`
            });
        }
        if (response.status >= 300 && response.status < 400) {
            throw new AuthFailure({
                kind: 'fatal',
                reason: `IAM login answered with a redirect (HTTP ${response.status}), which is not followed: check iam-endpoint`
            });
        }
        throw new AuthFailure(loginFailure(response.status, response.body, scrub));
    };
    return {
        async headers(_request, timeoutMs) {
            if (token === undefined) {
                const attempt = logIn(timeoutMs);
                token = attempt;
                // A failed login is not kept: the next request may try again (when the failure was transient).
                attempt.catch(() => {
                    if (token === attempt)
                        token = undefined;
                });
            }
            // A login already under way for another request keeps its own time; this request waits no
            // longer than its own limit (a stop on cancel must not wait for a slow login).
            return { 'X-Auth-Token': await within(token, timeoutMs) };
        },
        renew() {
            if (renewed)
                return false;
            renewed = true;
            token = undefined;
            return true;
        }
    };
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = require("node:http");
;// CONCATENATED MODULE: external "node:dns"
const external_node_dns_namespaceObject = require("node:dns");
;// CONCATENATED MODULE: ./src/codearts/lookup.ts
// Host name lookup that a DNS server in trouble cannot turn into a hang.
//
// Node's usual lookup (getaddrinfo) runs on a libuv worker thread, and a process cannot exit while such a
// thread is stuck, not even through process.exit(): with a DNS server that never answers, or one that
// answers A queries but drops AAAA ones, or a dead first server in resolv.conf, the step would outlive
// its timeout (and the runner's SIGTERM) by the resolver's own timeouts, however the request itself is
// abandoned. So a name is asked of DNS through c-ares, which runs on the event loop and is dropped at
// exit, for IPv4 and IPv6 addresses at once, and its addresses are used as they come. The system's own
// lookup (hosts file, search domains, nsswitch) runs only for names in the hosts file and for names DNS
// says do not exist or have no address, which something other than DNS may still resolve; any other
// DNS failure is an error of its own, retried like a network fault.


// c-ares answers these when it heard nothing from DNS at all.
const SILENT = new Set([external_node_dns_namespaceObject.TIMEOUT, external_node_dns_namespaceObject.CANCELLED]);
function hostsFilePath() {
    return process.platform === 'win32'
        ? `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32\\drivers\\etc\\hosts`
        : '/etc/hosts';
}
/** The names the hosts file lists, lower-cased. */
function namesInHosts(text) {
    const names = new Set();
    for (const line of text.split(/\r?\n/)) {
        const [, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
        for (const name of aliases)
            if (name)
                names.add(name.toLowerCase());
    }
    return names;
}
function createLookup(options = {}) {
    // A second per try, three tries: DNS that is alive answers well inside that.
    // Made on first need: an IP address or a name in the hosts file never needs it.
    let made = options.resolver;
    const resolver = () => (made ??= new external_node_dns_namespaceObject.Resolver({ timeout: 1000, tries: 3 }));
    const systemLookup = options.systemLookup ?? external_node_dns_namespaceObject.lookup;
    let hosts;
    const inHosts = (name) => {
        if (hosts === undefined) {
            try {
                hosts = namesInHosts((options.hostsFile ?? (() => (0,external_node_fs_namespaceObject.readFileSync)(hostsFilePath(), 'utf8')))());
            }
            catch {
                hosts = new Set();
            }
        }
        return hosts.has(name.toLowerCase());
    };
    const lookup = (hostname, lookupOptions, callback) => {
        const name = hostname.replace(/\.$/, '');
        if (name.toLowerCase() === 'localhost' || inHosts(name)) {
            systemLookup(hostname, lookupOptions, callback);
            return;
        }
        const wanted = familyOf(lookupOptions.family);
        const families = wanted === 4 ? [4] : wanted === 6 ? [6] : [4, 6];
        const outcomes = new Map();
        let settled = false;
        let delay;
        const finish = () => {
            if (settled)
                return;
            settled = true;
            clearTimeout(delay);
            const found = ordered(families).flatMap(family => {
                const outcome = outcomes.get(family);
                return Array.isArray(outcome) ? outcome.map(address => ({ address, family })) : [];
            });
            const first = found[0];
            if (first) {
                if (lookupOptions.all)
                    callback(null, found);
                else
                    callback(null, first.address, first.family);
                return;
            }
            const codes = [...outcomes.values()].map(o => (Array.isArray(o) ? external_node_dns_namespaceObject.NODATA : o));
            // DNS knows no such name, or no address for it: search domains or mDNS still may.
            if (codes.every(code => code === external_node_dns_namespaceObject.NOTFOUND || code === external_node_dns_namespaceObject.NODATA)) {
                systemLookup(hostname, lookupOptions, callback);
                return;
            }
            const code = codes.find(c => SILENT.has(c)) ?? codes.find(c => c !== external_node_dns_namespaceObject.NOTFOUND && c !== external_node_dns_namespaceObject.NODATA);
            const what = SILENT.has(code) ? 'did not answer' : 'could not answer';
            callback(Object.assign(new Error(`DNS ${what} for ${hostname}`), { code }), '', families[0]);
        };
        const done = (family) => (error, addresses) => {
            if (settled)
                return;
            outcomes.set(family, error ? (error.code ?? 'EDNS') : addresses);
            if (outcomes.size === families.length)
                return finish();
            // One family has addresses: the other gets a moment more, not its full timeout (a server that
            // drops AAAA queries would otherwise cost seconds per connection).
            if (addresses?.length)
                delay ??= setTimeout(finish, RESOLUTION_DELAY_MS);
        };
        for (const family of families) {
            if (family === 4)
                resolver().resolve4(name, done(4));
            else
                resolver().resolve6(name, done(6));
        }
    };
    return { lookup, cancel: () => made?.cancel() };
}
// RFC 8305's resolution delay: how long to wait for the second family once the first has answered.
const RESOLUTION_DELAY_MS = 50;
/** IPv4 first, as Node's own lookup orders them unless told IPv6 first. */
function ordered(families) {
    const order = external_node_dns_namespaceObject.getDefaultResultOrder?.();
    return order === 'ipv6first' ? [...families].reverse() : families;
}
function familyOf(family) {
    return family === 'IPv6' ? 6 : family === 'IPv4' ? 4 : Number(family ?? 0);
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/codearts/proxy.ts
// Agents for the API's URLs: direct, or through the proxy that https_proxy / http_proxy name unless
// no_proxy (or a loopback host) says otherwise, exactly as @actions/http-client decides it. The tunnel is
// made here (an HTTP CONNECT, then TLS to the API inside it) because @actions/http-client's own agents
// come with undici, which costs the action more start-up than everything else together.


// TLS is loaded only for an https URL (always, in real use): an http endpoint on loopback, as in tests
// and the benchmark, does not pay for it.
const loadHttps = () => Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 708, 23));
const loadTls = () => Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 692, 23));
/** Opens each connection as a tunnel through `proxy`: CONNECT host:port, then TLS when `secure`. */
async function tunnelAgent(proxy, secure, lookup, pending) {
    const needsTls = secure || proxy.protocol === 'https:';
    const https = needsTls ? await loadHttps() : undefined;
    const tls = secure ? await loadTls() : undefined;
    const Base = https && secure ? https.Agent : external_node_http_namespaceObject.Agent;
    const agent = new Base({ keepAlive: true });
    const auth = proxy.username || proxy.password
        ? `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
        : undefined;
    // Node's Agent accepts a connection made asynchronously through the callback.
    const createConnection = (options, callback) => {
        const target = `${options.host}:${options.port}`;
        const connect = (proxy.protocol === 'https:' && https ? https : external_node_http_namespaceObject).request({
            // An IPv6 proxy comes as [::1]: the brackets are URL syntax, not part of the address.
            host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
            method: 'CONNECT',
            path: target,
            headers: { Host: target, ...(auth && { 'Proxy-Authorization': auth }) },
            agent: false,
            lookup
        });
        pending.add(connect);
        let done = false;
        const finish = (error, socket) => {
            pending.delete(connect);
            if (done)
                return;
            done = true;
            callback(error, socket);
        };
        connect.once('connect', (response, socket) => {
            if (response.statusCode !== 200) {
                socket.destroy();
                // 407 and 403 are the proxy's final word (credentials, policy): asking again cannot help.
                const code = response.statusCode === 407
                    ? 'ERR_PROXY_AUTH'
                    : response.statusCode === 403
                        ? 'ERR_PROXY_FORBIDDEN'
                        : undefined;
                const message = `the proxy answered CONNECT ${target} with HTTP ${response.statusCode}`;
                finish(Object.assign(new Error(message), { code }));
                return;
            }
            finish(null, tls ? tls.connect({ ...options, socket }) : socket);
        });
        connect.once('error', error => finish(error));
        connect.end();
        return undefined;
    };
    Object.assign(agent, { createConnection });
    return agent;
}
function createAgents(lookup) {
    const agents = new Map();
    const pending = new Set();
    const make = async (secure, proxy) => {
        if (proxy)
            return tunnelAgent(proxy, secure, lookup, pending);
        return secure
            ? new (await loadHttps()).Agent({ keepAlive: true })
            : new external_node_http_namespaceObject.Agent({ keepAlive: true });
    };
    return {
        agentFor(url) {
            const secure = url.protocol === 'https:';
            const proxy = getProxyUrl(url);
            const key = `${secure}|${proxy?.href ?? ''}`;
            let agent = agents.get(key);
            if (!agent)
                agents.set(key, (agent = make(secure, proxy)));
            return agent;
        },
        destroy() {
            for (const request of pending)
                request.destroy();
            for (const agent of agents.values())
                void agent.then(a => a.destroy());
        }
    };
}

;// CONCATENATED MODULE: ./src/codearts/transport.ts
// HTTP for the API client: one request, bounded in time and size, never following a redirect, through
// the proxy the environment names (proxy.ts).



/** No answer at all: the connection failed, timed out, or sent more than the size cap. */
class TransportError extends Error {
    code;
    name = 'TransportError';
    /** Node's error code (`ECONNRESET`, `CERT_HAS_EXPIRED`, ...) when there is one. */
    constructor(message, code) {
        super(message);
        this.code = code;
    }
}
const MAX_BODY_BYTES = 8 * 1024 * 1024;
function createTransport() {
    const { lookup, cancel } = createLookup();
    const agents = createAgents(lookup);
    return {
        request: async (req) => {
            const url = new URL(req.url);
            const agent = await agents.agentFor(url);
            // Loaded only for https (see proxy.ts): node caches it, so this costs nothing after the first.
            const client = url.protocol === 'https:' ? await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 708, 23)) : external_node_http_namespaceObject;
            return send(client, agent, lookup, req);
        },
        close: () => {
            cancel();
            agents.destroy();
        }
    };
}
function send(client, agent, lookup, req) {
    return new Promise((resolve, reject) => {
        const url = new URL(req.url);
        const headers = req.body === ''
            ? req.headers
            : { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) };
        const request = client.request(url, {
            method: req.method,
            headers,
            agent,
            lookup
        });
        const fail = (error) => {
            clearTimeout(timer);
            reject(error instanceof TransportError ? error : new TransportError(transport_describe(error), codeOf(error)));
        };
        // One deadline for proxy handshake, connect, headers and body alike, so a slow drip cannot outlive
        // it. Settle here rather than wait for destroy() to emit 'error': while a proxy agent is still in
        // its CONNECT handshake there is no socket yet, and no 'error' ever comes.
        const timer = setTimeout(() => {
            fail(new TransportError(`no complete answer within ${req.timeoutMs} ms`));
            request.destroy();
        }, req.timeoutMs);
        request.on('error', fail);
        request.on('response', response => {
            const chunks = [];
            let size = 0;
            response.on('data', (chunk) => {
                size += chunk.length;
                if (size > MAX_BODY_BYTES) {
                    request.destroy(new TransportError(`answer larger than ${MAX_BODY_BYTES} bytes`));
                    return;
                }
                chunks.push(chunk);
            });
            response.on('error', fail);
            response.on('close', () => {
                if (!response.complete)
                    fail(new TransportError('connection closed mid-answer'));
            });
            response.on('end', () => {
                clearTimeout(timer);
                resolve({
                    status: response.statusCode ?? 0,
                    headers: response.headers,
                    body: Buffer.concat(chunks).toString('utf8')
                });
            });
        });
        request.end(req.body);
    });
}
function codeOf(error) {
    return typeof error.code === 'string' ? error.code : undefined;
}
function transport_describe(error) {
    const code = codeOf(error);
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

;// CONCATENATED MODULE: ./src/ids.ts
// What an id looks like: pipeline, project and run ids, from the inputs or from the API. An id is put
// into URLs, log lines and outputs, so one from the API is held to the same rule as one from a user.
const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const ID_RULE = 'letters, digits, "-" and "_" only (at most 128 characters)';

;// CONCATENATED MODULE: ./src/codearts/json.ts
// Lenient reading of JSON from the API: a value of the wrong type reads as absent, never as an error.
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** A string (or a finite number, as text); null for '', anything else, or nothing. */
function json_text(value) {
    if (typeof value === 'string')
        return value === '' ? null : value;
    if (typeof value === 'number' && Number.isFinite(value))
        return String(value);
    return null;
}
/** The objects in an array; [] for anything that is not an array. */
function list(value) {
    return Array.isArray(value) ? value.filter(isObject) : [];
}

;// CONCATENATED MODULE: ./src/codearts/v3.ts

/** Statuses the v3 API documents for a run still under way. */
const IN_PROGRESS = ['waiting', 'running', 'verifying', 'suspending'];
function phase(status) {
    if (status === 'completed')
        return 'completed';
    return status === null || IN_PROGRESS.includes(status) ? 'in-progress' : 'undocumented';
}
function secondsOf(value) {
    const t = json_text(value);
    if (t === null || !/^\s*\d+(\.\d+)?\s*$/.test(t))
        return null;
    // Digits too many for a number would read as Infinity.
    const seconds = Number(t);
    return Number.isFinite(seconds) ? seconds : null;
}
/** `2020-09-01 17:13:18` (zone unstated, so compared only with another time of the same run). */
function timeMs(value) {
    const m = value && /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
    if (!m)
        return null;
    const [, y, mo, d, h, mi, s] = m.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s);
}
function duration(item) {
    const given = secondsOf(item.elapsed_time);
    if (given !== null)
        return given;
    const start = timeMs(json_text(item.start_time));
    const end = timeMs(json_text(item.end_time));
    return start !== null && end !== null && end >= start ? (end - start) / 1000 : null;
}
function toTask(item, index) {
    return {
        id: json_text(item.id) ?? `#${index}`,
        name: json_text(item.name) ?? json_text(item.id) ?? `#${index + 1}`,
        status: json_text(item.status),
        outcome: json_text(item.outcome),
        startTime: json_text(item.start_time),
        durationSeconds: duration(item),
        errorCode: json_text(item.error_code),
        errorMessage: json_text(item.error_msg)
    };
}
/** A Run from a v3 status body, or null when the body is not an object at all. */
function parseV3Status(body) {
    if (!isObject(body))
        return null;
    const status = json_text(body.status);
    return {
        pipelineName: json_text(body.pipeline_name),
        runId: json_text(body.build_id),
        status,
        outcome: json_text(body.outcome),
        phase: phase(status),
        executor: json_text(body.executor),
        startTime: json_text(body.start_time),
        endTime: json_text(body.end_time),
        durationSeconds: duration(body),
        detailUrl: json_text(body.detail_url),
        parameters: list(body.parameters).flatMap(p => {
            const name = json_text(p.name);
            return name === null ? [] : [{ name, value: json_text(p.value) ?? '' }];
        }),
        stages: list(body.states).map((item, i) => ({
            ...toTask(item, i),
            tasks: list(item.children).map(toTask)
        }))
    };
}

;// CONCATENATED MODULE: ./src/codearts/v5.ts

/** Run outcomes by status: the words the v3 API and the verdict already use, plus `ignored`. */
const RUN_OUTCOME = {
    COMPLETED: 'success',
    FAILED: 'error',
    CANCELED: 'aborted',
    IGNORED: 'ignored'
};
/** Stage/job outcomes; SKIPPED, IGNORED, UNSELECTED and the in-progress words have none. */
const ITEM_OUTCOME = {
    COMPLETED: 'success',
    FAILED: 'error',
    ASYNC_FAILED: 'error',
    CANCELED: 'aborted'
};
/**
 * Documented statuses of something still under way. The stage/job words are included because a run that
 * has only just started may report them as its own status.
 */
const v5_IN_PROGRESS = [
    'RUNNING',
    'PAUSED',
    'SUSPEND',
    'INIT',
    'QUEUED',
    'ASYNC_RUNNING',
    'REDISPATCH'
];
/**
 * The status as a lookup key. Only ASCII words are upper-cased, so no look-alike letter (`ı` upper-cases
 * to `I`) can turn into a documented status.
 */
function key(status) {
    return status !== null && /^[A-Za-z_]+$/.test(status) ? status.toUpperCase() : null;
}
function outcome(status, table) {
    const k = key(status);
    return k !== null && Object.hasOwn(table, k) ? table[k] : null;
}
function v5_phase(status) {
    if (status === null)
        return 'in-progress';
    const k = key(status);
    if (k !== null && Object.hasOwn(RUN_OUTCOME, k))
        return 'completed';
    return k !== null && v5_IN_PROGRESS.includes(k) ? 'in-progress' : 'undocumented';
}
function numberOf(value) {
    const t = json_text(value);
    return t !== null && /^\s*-?\d+(\.\d+)?\s*$/.test(t) ? Number(t) : null;
}
/** Epoch milliseconds; the API sends 0 for a time not reached yet. Beyond Date's range is junk too. */
function epochMs(value) {
    const ms = numberOf(value);
    return ms !== null && ms > 0 && ms <= 8.64e15 ? ms : null;
}
/** `2024-11-26T05:46:40Z`: UTC, whole seconds. */
function iso(ms) {
    return ms === null ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
function v5_duration(item) {
    const start = epochMs(item.start_time);
    const end = epochMs(item.end_time);
    return start !== null && end !== null && end >= start ? (end - start) / 1000 : null;
}
/** By numeric `sequence`, stably; items without one keep their order after those with one. */
function bySequence(items) {
    const rank = (item) => numberOf(item.sequence) ?? Infinity;
    return items
        .map((item, i) => ({ item, i, rank: rank(item) }))
        .sort((a, b) => (a.rank === b.rank ? a.i - b.i : a.rank < b.rank ? -1 : 1))
        .map(entry => entry.item);
}
function v5_toTask(item, index) {
    const status = json_text(item.status);
    return {
        id: json_text(item.id) ?? `#${index}`,
        name: json_text(item.name) ?? json_text(item.identifier) ?? `#${index + 1}`,
        status,
        outcome: outcome(status, ITEM_OUTCOME),
        startTime: iso(epochMs(item.start_time)),
        durationSeconds: v5_duration(item),
        errorCode: null,
        errorMessage: json_text(item.message)
    };
}
/** A Run from a v5 run-detail body, or null when the body is not an object at all. */
function parseV5Detail(body) {
    if (!isObject(body))
        return null;
    const status = json_text(body.status);
    // Not documented for the detail; read like the run request's `variables` in case a server sends them.
    const parameters = Array.isArray(body.variables) ? body.variables : body.params;
    return {
        pipelineName: json_text(body.name),
        runId: json_text(body.id),
        status,
        outcome: outcome(status, RUN_OUTCOME),
        phase: v5_phase(status),
        executor: json_text(body.executor_name) ?? json_text(body.executor_id),
        startTime: iso(epochMs(body.start_time)),
        endTime: iso(epochMs(body.end_time)),
        durationSeconds: v5_duration(body),
        detailUrl: json_text(body.detail_url),
        parameters: list(parameters).flatMap(p => {
            const name = json_text(p.name);
            return name === null ? [] : [{ name, value: json_text(p.value) ?? '' }];
        }),
        stages: bySequence(list(body.stages)).map((item, i) => ({
            ...v5_toTask(item, i),
            tasks: bySequence(list(item.jobs)).map(v5_toTask)
        }))
    };
}

;// CONCATENATED MODULE: ./src/codearts/pipeline-api.ts






function readStop(answer, confirmed) {
    if (answer.kind !== 'ok')
        return { stopped: false, reason: answer.reason };
    return confirmed(answer.body)
        ? { stopped: true }
        : { stopped: false, reason: 'the API answered without confirming the stop' };
}
// A start past a concurrency limit is queued, not refused: the run exists and can be waited for.
const QUEUED_CODES = new Set(['DEVPIPE.00011169', 'DEVPIPE.00011170']);
function pipeline_api_field(body, ...path) {
    let value = body;
    for (const key of path) {
        if (typeof value !== 'object' || value === null)
            return null;
        value = value[key];
    }
    return json_text(value);
}
function readStart(answer, idField) {
    const started = startedRun(answer, idField);
    if (started === null)
        return startFailure(answer, idField);
    if (ID_PATTERN.test(started.runId))
        return started;
    // An id goes into URLs, log lines and outputs: one that is not an id is not used at all.
    return {
        kind: 'failed',
        reason: `the API accepted the start request but named its run ${quote(started.runId)}, which is not a run id (${ID_RULE}); the run has probably started`
    };
}
/** The run a start answer names: a plain start, or one queued behind a concurrency limit. */
function startedRun(answer, idField) {
    if (answer.kind === 'ok') {
        const runId = pipeline_api_field(answer.body, idField);
        return runId === null ? null : { kind: 'started', runId, queued: false };
    }
    const code = apiError(answer.body)?.code;
    const queuedId = pipeline_api_field(answer.body, 'error', idField) ?? pipeline_api_field(answer.body, idField);
    return code && QUEUED_CODES.has(code) && queuedId !== null
        ? { kind: 'started', runId: queuedId, queued: true }
        : null;
}
function startFailure(answer, idField) {
    if (answer.kind === 'ok') {
        return {
            kind: 'failed',
            reason: `the API accepted the start request but named no run (no ${idField}), so there is no run to wait for; the run has probably started`
        };
    }
    const unsure = answer.kind === 'transient' && !answer.notSent
        ? '; the run may or may not have started, and the request is not sent again so as not to start two'
        : '';
    return { kind: 'failed', reason: `${answer.reason}${unsure}` };
}
function pipelineApi(client, target) {
    // Input checking requires project-id for v5; reaching here without one is a bug, not a user error.
    if (target.version === 'v5' && !target.projectId)
        throw new Error('v5 API without a project id');
    const pipeline = encodeURIComponent(target.pipelineId);
    if (target.version === 'v3') {
        const base = `/v3/pipelines/${pipeline}`;
        return {
            status: (runId, timeoutMs) => client.request('GET', `${base}/status${runId === undefined ? '' : `?build_id=${encodeURIComponent(runId)}`}`, undefined, timeoutMs),
            parse: parseV3Status,
            start: async (parameters, timeoutMs) => readStart(await client.request('POST', `${base}/start`, { build_params: parameters }, timeoutMs), 'build_id'),
            // v3 answers with the pipeline's id and name; any such answer means the stop was taken.
            stop: async (runId, timeoutMs) => readStop(await client.request('POST', `${base}/stop?build_id=${encodeURIComponent(runId)}`, undefined, timeoutMs), () => true)
        };
    }
    const base = `/v5/${encodeURIComponent(target.projectId ?? '')}/api/pipelines/${pipeline}`;
    return {
        status: (runId, timeoutMs) => client.request('GET', `${base}/pipeline-runs/detail${runId === undefined ? '' : `?pipeline_run_id=${encodeURIComponent(runId)}`}`, undefined, timeoutMs),
        parse: parseV5Detail,
        start: async (parameters, timeoutMs) => readStart(await client.request('POST', `${base}/run`, { variables: parameters }, timeoutMs), 'pipeline_run_id'),
        // v5 says `{"success": true}`; anything else is not a stop.
        stop: async (runId, timeoutMs) => readStop(await client.request('POST', `${base}/pipeline-runs/${encodeURIComponent(runId)}/stop`, undefined, timeoutMs), body => typeof body === 'object' &&
            body !== null &&
            body.success === true)
    };
}

;// CONCATENATED MODULE: ./src/duration.ts
// Durations as users write them in workflow files: `500ms`, `10s`, `15m`, `1h30m`, or plain seconds (`0.2`).
const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const NUMBER = String.raw `\d+(?:\.\d+)?`;
const PLAIN_SECONDS = new RegExp(`^${NUMBER}$`);
// Units in falling order, each at most once: 1h30m, 2m15s, 1s500ms.
const WITH_UNITS = new RegExp(`^(?:(${NUMBER})h)?(?:(${NUMBER})m(?!s))?(?:(${NUMBER})s)?(?:(${NUMBER})ms)?$`);
const DURATION_FORMS = '500ms, 10s, 15m, 1h30m, or a number of seconds such as 0.2';
/** Milliseconds in `text`, or undefined when it is not a duration. */
function parseDuration(text) {
    const value = text.trim();
    if (value === '')
        return undefined;
    if (PLAIN_SECONDS.test(value))
        return Math.round(Number(value) * 1000);
    const match = WITH_UNITS.exec(value);
    if (!match)
        return undefined;
    const [, h, m, s, ms] = match;
    const ms_ = Number(h ?? 0) * UNIT_MS.h +
        Number(m ?? 0) * UNIT_MS.m +
        Number(s ?? 0) * UNIT_MS.s +
        Number(ms ?? 0) * UNIT_MS.ms;
    return Math.round(ms_);
}
/** `5400000` -> `1h30m`, `200` -> `200ms`: the inverse of parseDuration, for messages. */
function formatDuration(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 59_950)
        return `${Number((ms / 1000).toFixed(1))}s`;
    let rest = Math.round(ms / 1000);
    const h = Math.floor(rest / 3600);
    rest -= h * 3600;
    const m = Math.floor(rest / 60);
    const s = rest - m * 60;
    return [h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join('') || '0s';
}

;// CONCATENATED MODULE: ./src/parameters.ts
// The v3 API's documented limit for one value; v5 states none, so the same bound is used for both.
const MAX_VALUE_LENGTH = 8192;
/** The parameters, or one problem per bad line (each names the line; values are never echoed). */
function parseParameters(text) {
    const parameters = [];
    const problems = [];
    const seen = new Set();
    text.split(/\r?\n/).forEach((line, index) => {
        const where = `Input "parameters" line ${index + 1}`;
        if (line.trim() === '' || line.trimStart().startsWith('#'))
            return;
        const equals = line.indexOf('=');
        if (equals < 0) {
            problems.push(`${where} has no "=": each line is NAME=VALUE (blank lines and # comments are skipped).`);
            return;
        }
        const name = line.slice(0, equals).trim();
        // The value is kept as written, "=" and spaces included: it is the user's to decide.
        const value = line.slice(equals + 1);
        if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
            problems.push(`${where} has a bad name: a name is 1 to 128 letters, digits, "_", "-" or "." before the "=".`);
        }
        else if (seen.has(name)) {
            problems.push(`${where} repeats the parameter "${name}": give each name once.`);
        }
        else if (value.length > MAX_VALUE_LENGTH) {
            problems.push(`${where}: the value of "${name}" is longer than ${MAX_VALUE_LENGTH} characters.`);
        }
        else {
            seen.add(name);
            parameters.push({ name, value });
        }
    });
    return problems.length ? { problems } : { parameters };
}

;// CONCATENATED MODULE: ./src/input-helper.ts
// The one place raw inputs become typed settings; everything downstream takes `Settings`.





class InputError extends Error {
    problems;
    constructor(problems) {
        super(problems.join('\n'));
        this.problems = problems;
        this.name = 'InputError';
    }
}
// setTimeout fires at once past 2^31-1 ms; a week is far beyond any GitHub job anyway.
const MAX_DURATION_MS = 7 * 24 * 3_600_000;
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ok = (value) => ({ value });
const bad = (...problems) => ({ problems });
function id(required) {
    return text => {
        if (text === '')
            return required ? bad(`is required: ${ID_RULE}`) : ok('');
        return ID_PATTERN.test(text) ? ok(text) : bad(`accepts ${ID_RULE}`);
    };
}
function input_helper_duration(minMs) {
    const rule = `accepts a duration from ${formatDuration(minMs)} to ${formatDuration(MAX_DURATION_MS)}: ${DURATION_FORMS}`;
    return text => {
        const ms = parseDuration(text);
        return ms === undefined || ms < minMs || ms > MAX_DURATION_MS ? bad(rule) : ok(ms);
    };
}
const BOOLEANS = {
    true: true,
    True: true,
    TRUE: true,
    false: false,
    False: false,
    FALSE: false
};
const bool = text => Object.hasOwn(BOOLEANS, text) ? ok(BOOLEANS[text]) : bad('accepts true or false');
const apiVersion = text => text === 'auto' || text === 'v3' || text === 'v5' ? ok(text) : bad('accepts auto, v3 or v5');
const endpointInput = text => {
    if (text === '')
        return ok(undefined);
    const parsed = parseEndpoint(text);
    return 'url' in parsed ? ok(parsed.url) : bad(parsed.error);
};
/** The region, and the endpoint it implies unless the user names one (then any well-formed name will do). */
function regionInput(endpointGiven) {
    return region => {
        if (region !== '' && !REGION_PATTERN.test(region)) {
            return bad('accepts a region name such as ap-southeast-3 or cn-north-4');
        }
        if (endpointGiven)
            return ok({ name: region || undefined });
        if (region === '') {
            return bad('is required (or the HUAWEI_CLOUD_REGION environment variable, or the endpoint input)');
        }
        const endpoint = regionEndpoint(region);
        if (endpoint === undefined) {
            return bad(`has no known CodeArts endpoint; set the endpoint input, or use one of ${KNOWN_REGIONS.join(', ')}`);
        }
        return ok({ name: region, endpoint });
    };
}
// Parameter problems are whole sentences that name their line.
const parametersInput = text => {
    const parsed = parseParameters(text);
    return 'parameters' in parsed ? ok(parsed.parameters) : bad(...parsed.problems);
};
/** Reads every field, then builds the settings (without credentials) when none has a problem. */
function readFields(raw) {
    const problems = [];
    function read(name, field) {
        const result = field(raw[name] ?? '');
        if ('problems' in result) {
            for (const message of result.problems)
                problems.push({ name, message });
            // Never read: with any problem there are no settings.
            return undefined;
        }
        return result.value;
    }
    const pipelineId = read('pipeline-id', id(true));
    const projectId = read('project-id', id(false));
    const version = read('api-version', apiVersion);
    const region = read('region', regionInput(raw.endpoint !== ''));
    const endpoint = read('endpoint', endpointInput);
    const buildId = read('build-id', id(false));
    const start = read('start', bool);
    const parameters = read('parameters', parametersInput);
    const wait = read('wait', bool);
    const stopOnCancel = read('stop-on-cancel', bool);
    const stopOnTimeout = read('stop-on-timeout', bool);
    const timeoutMs = read('timeout', input_helper_duration(1));
    // Polling faster only invites the gateway's throttling.
    const pollIntervalMs = read('poll-interval', input_helper_duration(100));
    const summary = read('summary', bool);
    if (problems.length)
        return { problems };
    return {
        settings: {
            apiVersion: version === 'auto' ? (projectId ? 'v5' : 'v3') : version,
            projectId: projectId || undefined,
            pipelineId,
            endpoint: endpoint ?? region.endpoint ?? '',
            region: region.name,
            buildId: buildId || undefined,
            start: start ? { parameters } : undefined,
            wait,
            stopOnCancel,
            stopOnTimeout,
            timeoutMs,
            pollIntervalMs,
            summary
        }
    };
}
const INPUT_NAMES = [
    'pipeline-id',
    'project-id',
    'api-version',
    'region',
    'endpoint',
    'build-id',
    'start',
    'parameters',
    'wait',
    'stop-on-cancel',
    'stop-on-timeout',
    'timeout',
    'poll-interval',
    'summary',
    'iam-endpoint'
];
// Never repeated in a message: an endpoint refused for carrying a password would show the password;
// parameters are many lines, and their problems name the line.
const UNECHOED_INPUTS = new Set(['endpoint', 'parameters']);
const DEFAULTS = {
    'api-version': 'auto',
    start: 'false',
    wait: 'true',
    'stop-on-cancel': 'true',
    'stop-on-timeout': 'false',
    timeout: '1h',
    'poll-interval': '10s',
    summary: 'true'
};
/** Inputs that only make sense together; checked on the raw values so every problem shows at once. */
function combinationProblems(raw) {
    const problems = [];
    const starting = raw.start?.toLowerCase() === 'true';
    if (raw['api-version'] === 'v5' && raw['project-id'] === '') {
        problems.push('Input "project-id" is required with api-version v5: the CodeArts project id.');
    }
    if (starting && raw['build-id'] !== '') {
        problems.push('Inputs "start" and "build-id" cannot be used together: start a run, or watch the run build-id names.');
    }
    if (!starting && raw.parameters?.trim()) {
        problems.push('Input "parameters" is used only with start: true.');
    }
    if (!starting && raw.wait?.toLowerCase() === 'false') {
        problems.push('Input "wait" can be false only with start: true (a run that is only watched must be waited for).');
    }
    return problems;
}
/**
 * Reads and checks every input; throws InputError listing each bad one by name. `notes` are things to
 * tell the user about inputs that were accepted (e.g. which of several credentials wins).
 */
function readSettings(source) {
    // Credentials first, so each is masked before anything else can fail and print.
    const secret = Object.fromEntries(CREDENTIAL_INPUTS.map(name => [name, source.getSecret(name).trim()]));
    const raw = {};
    for (const name of INPUT_NAMES) {
        // Parameter values are kept as written, trailing spaces of the last line included.
        const value = name === 'parameters' ? source.get(name, true) : source.get(name).trim();
        raw[name] = value === '' ? (DEFAULTS[name] ?? '') : value;
    }
    const regionFromEnv = raw.region === '';
    if (regionFromEnv)
        raw.region = source.env.HUAWEI_CLOUD_REGION?.trim() ?? '';
    const choice = chooseCredentials({
        inputs: { ...secret, 'iam-endpoint': raw['iam-endpoint'] ?? '' },
        env: name => source.getSecretEnv(name).trim(),
        region: raw.region ?? ''
    });
    const fields = readFields(raw);
    const combined = combinationProblems(raw);
    if ('settings' in fields && choice.credentials && combined.length === 0) {
        return {
            settings: { ...fields.settings, credentials: choice.credentials },
            notes: choice.notes
        };
    }
    const credentialProblems = choice.credentials ? [] : choice.problems;
    throw new InputError([
        ...combined,
        ...('problems' in fields ? fields.problems : []).map(({ name, message }) => {
            if (name === 'parameters')
                return message;
            const from = name === 'region' && regionFromEnv ? ' from HUAWEI_CLOUD_REGION' : '';
            const shown = UNECHOED_INPUTS.has(name) || raw[name] === '' ? '' : ` (got "${raw[name]}"${from})`;
            return `Input "${name}" ${message}${shown}.`;
        }),
        ...credentialProblems
    ]);
}

;// CONCATENATED MODULE: ./src/outputs.ts

function outputsOf(run, conclusion) {
    const outputs = { conclusion };
    if (!run)
        return outputs;
    const known = {
        status: run.status,
        outcome: run.outcome,
        'build-id': run.runId,
        'pipeline-name': run.pipelineName,
        // Only a web link: workflows put it in scripts and pages.
        'detail-url': webUrl(run.detailUrl),
        'elapsed-time': run.durationSeconds === null ? null : String(run.durationSeconds)
    };
    // Short by nature; capped all the same, as the API's text can be anything.
    for (const [name, value] of Object.entries(known)) {
        if (value !== null)
            outputs[name] = clip(value, MAX_VALUE_CHARS);
    }
    outputs.stages = stagesJson(run.stages);
    return outputs;
}
// GitHub takes up to 1 MB per output; stay well inside it however long the messages or many the stages.
const MAX_STAGES_BYTES = 512 * 1024;
const MAX_MESSAGE_CHARS = 1000;
const MAX_VALUE_CHARS = 4096;
/** The `stages` output: stages with their tasks, messages cut short, stages past the size cap left out. */
function stagesJson(stages) {
    const item = (t) => ({
        name: t.name,
        status: t.status,
        outcome: t.outcome,
        duration: t.durationSeconds,
        error: t.errorMessage && clip(t.errorMessage, MAX_MESSAGE_CHARS)
    });
    const kept = [];
    let size = 2;
    for (const stage of stages) {
        const entry = JSON.stringify({ ...item(stage), tasks: stage.tasks.map(item) });
        size += Buffer.byteLength(entry) + 1;
        if (size > MAX_STAGES_BYTES)
            break;
        kept.push(entry);
    }
    return `[${kept.join(',')}]`;
}

;// CONCATENATED MODULE: ./src/abortable.ts
// Waiting for a promise without being held by it: the step must answer a cancel, or a time limit,
// even while a request is still under way.
const ABORTED = Symbol('aborted');
/** `promise`, or ABORTED as soon as `signal` aborts (the promise is left to settle unobserved). */
function unlessAborted(promise, signal) {
    if (!signal)
        return promise;
    if (signal.aborted)
        return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
        const onAbort = () => resolve(ABORTED);
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(value => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
        }, (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
}
/** `promise`, or undefined once `ms` have passed. */
function orTimeout(promise, ms) {
    let timer;
    const late = new Promise(resolve => {
        timer = setTimeout(() => resolve(undefined), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

;// CONCATENATED MODULE: ./src/progress.ts
// The run in the log: one line per change of the run, its stages or their tasks while waiting (instead of
// one per poll), and a full report at the end.


// Server text goes through quote(): one line, so it can never start a workflow command of its own.
function state(item) {
    const status = quote(item.status ?? 'unknown');
    return item.outcome && item.outcome !== item.status
        ? `${status} (${quote(item.outcome)})`
        : status;
}
function elapsed(item) {
    return item.durationSeconds === null ? '' : `, ${formatDuration(item.durationSeconds * 1000)}`;
}
function taskLine(label, item) {
    const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : '';
    return `${label}: ${state(item)}${elapsed(item)}${error}`;
}
/** Each stage and task of a run, under a key that is unique even when the API repeats an id. */
function items(run) {
    return run.stages.flatMap((stage, i) => {
        const stageKey = `${i}:${stage.id}`;
        return [
            [stageKey, stage, `  Stage "${quote(stage.name)}"`],
            ...stage.tasks.map((task, j) => [
                `${stageKey}/${j}:${task.id}`,
                task,
                `    Task "${quote(stage.name)} › ${quote(task.name)}"`
            ])
        ];
    });
}
/**
 * The lines describing what changed from `before` to `after` (everything, when before is null). The
 * elapsed time is shown but is not a change: it alone would make a line every poll.
 */
function describeChanges(before, after) {
    // Another run (or none before) is news from its first line to its last.
    const previous = before !== null && before.runId === after.runId ? before : null;
    const fingerprint = (item) => `${state(item)}|${item.errorMessage ?? ''}`;
    const seen = new Map(previous ? items(previous).map(([key, item]) => [key, fingerprint(item)]) : []);
    const lines = [];
    for (const [key, item, label] of items(after)) {
        if (seen.get(key) !== fingerprint(item))
            lines.push(taskLine(label, item));
    }
    if (previous === null || runState(previous) !== runState(after) || lines.length > 0) {
        lines.unshift(`Run ${quote(after.runId ?? '(none)')}: ${runState(after)}${elapsed(after)}`);
    }
    return lines;
}
// A run's outcome is only told once it has completed: before that, an outcome next to an unknown
// status would read like a result.
function runState(run) {
    return state(run.phase === 'completed' ? run : { status: run.status, outcome: null });
}
/** The run as it ended: every stage and task with its state, time and error, for the final report. */
function runReport(run) {
    return [
        `Run ${quote(run.runId ?? '(none)')} of ${quote(run.pipelineName ?? 'the pipeline')}: ${runState(run)}${elapsed(run)}`,
        ...items(run).map(([, item, label]) => taskLine(label, item))
    ];
}

;// CONCATENATED MODULE: ./src/poller.ts
// The wait: poll the run's status until it completes, the deadline passes, or an error no retry can fix.





const MAX_REQUEST_MS = 30_000;
const MIN_REQUEST_MS = 2_000;
// Less time left than this, and a request could only fail (and be reported as a fault).
const NO_TIME_LEFT_MS = 50;
const MAX_BACKOFF_MS = 60_000;
/** How long one status request may take: long enough for a slow gateway, short next to the wait. */
function requestTimeoutMs(pollIntervalMs) {
    return Math.min(MAX_REQUEST_MS, Math.max(MIN_REQUEST_MS, 3 * pollIntervalMs));
}
/**
 * Delay before retry number `failures` (1-based): exponential from the poll interval, plus up to half
 * again at random so that many runners do not retry in step; never sooner than a normal poll.
 */
function backoffMs(failures, pollIntervalMs, random, retryAfter) {
    const cap = Math.max(pollIntervalMs, MAX_BACKOFF_MS);
    const step = pollIntervalMs * 2 ** Math.min(failures - 1, 30);
    const jittered = Math.min(cap, step * (1 + random() / 2));
    return retryAfter === undefined ? jittered : Math.max(jittered, retryAfter);
}
const defaultSleep = (ms) => new Promise(resolve => setTimeout(resolve, ms));
/** Why an answer cannot be used, or undefined when it can. */
function problemWith(run, runId) {
    if (run === null)
        return 'the status answer is not a JSON object';
    // It would reach URLs, the log and the outputs, which workflows may paste into scripts.
    if (run.runId !== null && !ID_PATTERN.test(run.runId)) {
        return `the answer names its run ${quote(run.runId)}, which is not a run id (${ID_RULE})`;
    }
    if (runId !== undefined && run.runId !== runId) {
        return `the answer describes run ${quote(run.runId ?? '(none)')}, not run ${runId}`;
    }
    return undefined;
}
async function waitForRun(options) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? defaultSleep;
    const random = options.random ?? Math.random;
    const { log, pollIntervalMs, signal } = options;
    const deadline = now() + options.timeoutMs;
    const requestMs = requestTimeoutMs(pollIntervalMs);
    const warnedStatuses = new Set();
    let runId = options.runId;
    let last = null;
    let failures = 0;
    let lastProblem;
    /** Log what this answer tells that the last one did not. */
    const report = (run) => {
        if (run.runId === null) {
            if (last === null)
                log.info('The pipeline has no run yet; waiting for one to appear.');
            return;
        }
        if (last === null && options.runId === undefined && run.phase === 'completed') {
            log.warning(`The latest run, ${quote(run.runId)}, had already completed when the wait began; ` +
                'to wait for a particular run, pass its build-id.');
        }
        for (const line of describeChanges(last, run))
            log.info(line);
        const status = run.status ?? '';
        if (run.phase === 'undocumented' && !warnedStatuses.has(status)) {
            warnedStatuses.add(status);
            log.warning(`Run ${quote(run.runId)} reports status "${quote(status)}", which is not documented; still waiting.`);
        }
    };
    for (;;) {
        if (signal?.aborted)
            return { kind: 'cancelled', run: last };
        const remaining = deadline - now();
        if (remaining < NO_TIME_LEFT_MS)
            return { kind: 'timed_out', run: last, lastProblem };
        log.debug(`GET status of ${runId ? `run ${runId}` : 'the latest run'}`);
        const answer = await unlessAborted(options.fetchStatus(runId, Math.min(requestMs, remaining)), signal);
        if (answer === ABORTED)
            return { kind: 'cancelled', run: last };
        if (answer.kind === 'fatal')
            return { kind: 'failed', reason: answer.reason, run: last };
        const run = answer.kind === 'ok' ? options.parse(answer.body) : null;
        lastProblem = answer.kind === 'transient' ? answer.reason : problemWith(run, runId);
        let delay = pollIntervalMs;
        if (lastProblem !== undefined) {
            failures += 1;
            const retryAfter = answer.kind === 'transient' ? answer.retryAfterMs : undefined;
            delay = backoffMs(failures, pollIntervalMs, random, retryAfter);
            const wait = Math.min(delay, deadline - now());
            const next = wait >= NO_TIME_LEFT_MS
                ? `Retrying in ${formatDuration(wait)}.`
                : 'No time is left to retry.';
            log.warning(`Status request failed (attempt ${failures}): ${lastProblem}. ${next}`);
        }
        else if (run !== null) {
            failures = 0;
            report(run);
            last = run;
            // An answer that names no run cannot end the wait, whatever else it says.
            if (run.runId !== null) {
                options.onRun?.(run);
                if (run.phase === 'completed')
                    return { kind: 'completed', run };
                // From here on ask for this run by id, so a newer run cannot take its place.
                runId = run.runId;
            }
        }
        const slept = await unlessAborted(sleep(Math.max(0, Math.min(delay, deadline - now()))), signal);
        if (slept === ABORTED)
            return { kind: 'cancelled', run: last };
    }
}

;// CONCATENATED MODULE: ./src/stop-rule.ts
// Which runs the step stops: on cancel only the run it started itself (a watched run belongs to someone
// else), on timeout the watched run when asked; each only when its input says so.
function stopChoice(reason, runId, startedHere, settings) {
    if (reason === 'cancel' && !startedHere) {
        return {
            stop: false,
            sentence: `Run ${runId} was not started by this step, so it was left running.`
        };
    }
    const wanted = reason === 'cancel' ? settings.stopOnCancel : settings.stopOnTimeout;
    return wanted
        ? { stop: true }
        : { stop: false, sentence: `Run ${runId} was left running (stop-on-${reason} is false).` };
}

;// CONCATENATED MODULE: ./src/result.ts
// The verdict: which conclusion a wait ends in, and the one-line reason when it is not success. Only a
// completed run with outcome `success` is a success; everything else fails.


function pipelineLabel(run, pipelineId) {
    const name = run?.pipelineName;
    return name ? `pipeline "${quote(name)}" (${pipelineId})` : `pipeline ${pipelineId}`;
}
// How much an item looks to blame: an error outcome or message outranks, say, a task aborted because an
// earlier one failed.
function blame(item) {
    const outcome = item.outcome?.toLowerCase();
    if (outcome === 'success')
        return 0;
    if (outcome === 'error' || item.errorMessage !== null || /fail|error/i.test(item.status ?? '')) {
        return 2;
    }
    return outcome !== undefined ? 1 : 0;
}
/** The most-to-blame task (the first of equals), or the stage when none of its tasks is marked. */
function findCulprit(run) {
    let culprit;
    let worst = 0;
    for (const stage of run.stages) {
        for (const task of stage.tasks) {
            if (blame(task) > worst)
                [culprit, worst] = [{ stage, task }, blame(task)];
        }
        if (blame(stage) > worst)
            [culprit, worst] = [{ stage }, blame(stage)];
    }
    return culprit;
}
function culpritText(run) {
    const found = findCulprit(run);
    if (!found)
        return { text: '' };
    const item = found.task ?? found.stage;
    const title = found.task
        ? `${quote(found.stage.name)} › ${quote(found.task.name)}`
        : quote(found.stage.name);
    const what = found.task
        ? `stage "${quote(found.stage.name)}" task "${quote(found.task.name)}"`
        : `stage "${quote(found.stage.name)}"`;
    const error = item.errorMessage ? `: ${quote(item.errorMessage)}` : '';
    const code = item.errorCode ? ` [${quote(item.errorCode)}]` : '';
    return { text: `; ${what} failed${code}${error}`, title };
}
// Stage statuses (v3 and v5) of stages that have not begun: not worth naming in a timeout message.
const NOT_BEGUN = new Set(['waiting', 'init', 'queued', 'unselected', 'skipped']);
function lastSeen(run) {
    const active = run.stages.filter(s => s.status &&
        s.outcome === null &&
        !NOT_BEGUN.has(s.status.toLowerCase()) &&
        s.status.toLowerCase() !== 'completed');
    const stages = active.map(s => `stage "${quote(s.name)}" ${quote(s.status ?? '')}`).join(', ');
    return `last status ${quote(run.status ?? 'unknown')}${stages ? ` (${stages})` : ''}`;
}
/** `watchedRunId`: the run asked for (build-id, or the one started), named even when no answer was. */
function decide(result, pipelineId, timeoutMs, watchedRunId) {
    const label = pipelineLabel(result.run, pipelineId);
    const runId = result.run?.runId ?? watchedRunId;
    // "run 42 of pipeline "web" (p1)", or just the pipeline while no run is known.
    const subject = runId ? `run ${quote(runId)} of ${label}` : label;
    switch (result.kind) {
        case 'cancelled':
            return {
                conclusion: 'cancelled',
                message: `The workflow was cancelled while waiting for ${subject}.`
            };
        case 'failed':
            return { conclusion: 'error', message: `Could not follow ${subject}: ${result.reason}` };
        case 'timed_out': {
            const seen = !result.run
                ? 'no usable status was received'
                : result.run.runId
                    ? lastSeen(result.run)
                    : 'the pipeline has no run yet';
            const problem = result.lastProblem ? `; last error: ${result.lastProblem}` : '';
            return {
                conclusion: 'timed_out',
                message: `Timed out after ${formatDuration(timeoutMs)} waiting for ${subject}: ${seen}${problem}.`
            };
        }
        case 'completed': {
            const outcome = result.run.outcome;
            if (outcome === 'success')
                return { conclusion: 'success' };
            if (outcome === 'aborted')
                return { conclusion: 'cancelled', message: `The ${subject} was aborted.` };
            const culprit = culpritText(result.run);
            return {
                conclusion: 'failure',
                message: `The ${subject} ended with outcome ${quote(outcome ?? '(none)')}${culprit.text}.`,
                culprit: culprit.title
            };
        }
    }
}

;// CONCATENATED MODULE: ./src/summary.ts
// The job summary: HTML, with the timeline as a Mermaid chart in a Markdown fence. Every server text is
// escaped in the HTML and cut down to a safe set of characters in the chart, so nothing the API sends
// becomes markup or chart syntax; and the whole stays under GitHub's 1 MiB limit per step.


const SUMMARY_LIMIT_BYTES = 1024 * 1024;
// Room for the notes and closing tags, with a margin for the runner's own additions.
const BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 16 * 1024;
// The "What failed" list may take this much, so the full table after it keeps room.
const FAILED_BUDGET_BYTES = BUDGET_BYTES / 4;
const MAX_CELL_CHARS = 2000;
// Longer messages are folded into a <details>, its summary their start.
const LONG_MESSAGE_CHARS = 200;
const FOLDED_SUMMARY_CHARS = 80;
/** Bars in the timeline; more would be unreadable. */
const MAX_BARS = 100;
const MAX_LABEL_CHARS = 60;
const ICON = {
    success: '✅',
    failure: '❌',
    cancelled: '⛔',
    timed_out: '⏱️',
    error: '⚠️'
};
const HEADING = {
    success: 'succeeded',
    failure: 'failed',
    cancelled: 'was cancelled',
    timed_out: 'timed out',
    error: 'could not be followed'
};
const STATE_ICON = {
    success: '✅',
    failed: '❌',
    aborted: '⛔',
    running: '🔄',
    waiting: '⏳',
    skipped: '⏭️',
    unknown: '❔'
};
// v3 (`running`, outcome `error`) and v5 (`RUNNING`, `FAILED`) words, lower-cased. `completed` is not
// here: in v3 it says only that an item ended, and its outcome says how.
const STATE_OF_WORD = {
    success: 'success',
    succeeded: 'success',
    error: 'failed',
    failed: 'failed',
    failure: 'failed',
    async_failed: 'failed',
    aborted: 'aborted',
    cancelled: 'aborted',
    canceled: 'aborted',
    stopped: 'aborted',
    running: 'running',
    async_running: 'running',
    redispatch: 'running',
    in_progress: 'running',
    waiting: 'waiting',
    queued: 'waiting',
    init: 'waiting',
    pending: 'waiting',
    paused: 'waiting',
    suspend: 'waiting',
    suspending: 'waiting',
    verifying: 'waiting',
    skipped: 'skipped',
    ignored: 'skipped',
    unselected: 'skipped'
};
function stateOfWord(word) {
    // ASCII words only, so no look-alike letter can pass for a known one.
    if (word === null || !/^[A-Za-z_ -]+$/.test(word))
        return undefined;
    const key = word.trim().toLowerCase().replace(/[ -]/g, '_');
    return Object.hasOwn(STATE_OF_WORD, key) ? STATE_OF_WORD[key] : undefined;
}
/** The outcome decides when there is one; the status otherwise. */
function itemState(item) {
    return stateOfWord(item.outcome) ?? stateOfWord(item.status) ?? 'unknown';
}
/**
 * Text as HTML, cut to a cell's length, with XML's five entities and no others: the runner masks a
 * secret in the summary in that form too, so a workflow secret passed as a run parameter stays masked.
 * `|` and backticks need none: every line of server text is inside an HTML block (no blank line can
 * end it), where Markdown does not apply.
 */
function escapeHtml(value) {
    return clip(value, MAX_CELL_CHARS)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;')
        .replace(/\r?\n/g, '<br>')
        .replace(/\p{Cc}/gu, ' ');
}
/** Escaped text; long text folded into a <details> that shows its first line. */
function foldable(value) {
    if (value.length <= LONG_MESSAGE_CHARS)
        return escapeHtml(value);
    const first = value.split('\n').find(line => line.trim() !== '') ?? '';
    const start = escapeHtml(clip(quote(first), FOLDED_SUMMARY_CHARS) || '…');
    return `<details><summary>${start}</summary>${escapeHtml(value)}</details>`;
}
function cell(value) {
    return `<td>${value ? escapeHtml(value) : ''}</td>`;
}
function durationText(value) {
    return value === null ? null : formatDuration(value * 1000);
}
function summary_link(url, text) {
    // Only web links: a javascript: or data: URL from the server must not become clickable.
    const href = webUrl(url);
    if (!href)
        return escapeHtml(text);
    return `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}
function runTable(run) {
    const count = run.parameters.length;
    const parameters = count === 0
        ? ''
        : `<details><summary>${count} parameter${count === 1 ? '' : 's'}</summary>` +
            `${escapeHtml(run.parameters.map(p => `${p.name}=${p.value}`).join('\n'))}</details>`;
    const rows = [
        ['Run', cell(run.runId)],
        ['Status', cell([run.status, run.outcome].filter(Boolean).join(' / '))],
        ['Executor', cell(run.executor)],
        ['Started', cell(run.startTime)],
        ['Ended', cell(run.endTime)],
        ['Duration', cell(durationText(run.durationSeconds))],
        ['Parameters', `<td>${parameters}</td>`]
    ];
    const body = rows.map(([name, value]) => `<tr><th align="left">${name}</th>${value}</tr>`);
    return `<table>\n${body.join('\n')}\n</table>`;
}
function summary_items(run) {
    return run.stages.flatMap(stage => [{ stage }, ...stage.tasks.map(task => ({ stage, task }))]);
}
function stageRow({ stage, task }) {
    const item = task ?? stage;
    const status = `${STATE_ICON[itemState(item)]} ${item.status ? escapeHtml(item.status) : ''}`;
    return (`<tr>${cell(task ? '' : stage.name)}${cell(task?.name)}<td>${status.trimEnd()}</td>` +
        `${cell(item.outcome)}${cell(durationText(item.durationSeconds))}` +
        `<td>${item.errorMessage ? foldable(item.errorMessage) : ''}</td></tr>`);
}
/** A failure, or an item that ended otherwise than well and says why. */
function isFailure(item) {
    const state = itemState(item);
    if (state === 'failed')
        return true;
    return item.errorMessage !== null && (state === 'aborted' || state === 'unknown');
}
/** Failed tasks, and failed stages that have a message of their own or no failed task to show. */
function failures(run) {
    return run.stages.flatMap(stage => {
        const tasks = stage.tasks.filter(isFailure);
        const own = isFailure(stage) &&
            (tasks.length === 0 ||
                (stage.errorMessage !== null && !tasks.some(t => t.errorMessage === stage.errorMessage)));
        return [...(own ? [{ stage }] : []), ...tasks.map(task => ({ stage, task }))];
    });
}
function failureLine({ stage, task }) {
    const item = task ?? stage;
    const where = task
        ? `${escapeHtml(stage.name)} › <b>${escapeHtml(task.name)}</b>`
        : `<b>${escapeHtml(stage.name)}</b>`;
    const code = item.errorCode ? ` <code>${escapeHtml(item.errorCode)}</code>` : '';
    const message = item.errorMessage ? `: ${foldable(item.errorMessage)}` : '';
    return `<li>${STATE_ICON[itemState(item)]} ${where}${code}${message}</li>`;
}
/** How many of `rows` fit in `room` bytes, a newline after each; rendered only as far as needed. */
function fitting(rows, render, room) {
    const shown = [];
    let used = 0;
    for (const row of rows) {
        const html = render(row);
        used += Buffer.byteLength(html) + 1;
        if (used > room)
            break;
        shown.push(html);
    }
    return shown;
}
// --- The timeline ---
const TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const YEAR_10000_MS = Date.UTC(10000, 0, 1);
/** `2020-09-01 17:13:18`, the chart's dateFormat, of a time read as UTC. */
function chartTime(ms) {
    return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
/**
 * A v3 (`2020-09-01 17:13:18`) or v5 (`2024-11-26T05:46:40Z`) time as milliseconds, its clock read as
 * UTC: the times of one run share one form, so they line up. Null for anything else, including dates
 * that do not exist (`2020-02-30`), which the chart would reject.
 */
function clockMs(value) {
    const m = value === null ? null : TIME.exec(value);
    if (!m)
        return null;
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
    if (y < 1000 || h > 23 || mi > 59 || s > 59)
        return null;
    const ms = Date.UTC(y, mo - 1, d, h, mi, s);
    // Date.UTC rolls an impossible day or month over into the next; the chart would reject it.
    const date = new Date(ms);
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? ms : null;
}
/**
 * Server text as a chart label: letters, digits, spaces and `.,_+-/()` only. No `:`, `;`, `#`, `%`
 * (gantt separators and comments), no newline, backtick or markup: nothing that could end the line,
 * the fence or the chart.
 */
function chartLabel(value) {
    const safe = value
        .replace(/[^\p{L}\p{M}\p{N} .,_+\-/()]+/gu, ' ')
        .replace(/ +/g, ' ')
        .trim();
    return clip(safe, MAX_LABEL_CHARS);
}
const BAR_TAG = {
    success: 'done',
    failed: 'crit',
    running: 'active'
};
/**
 * Where an item's bar goes, or null when it has no readable start or length. A running item has no
 * length yet: it is drawn up to `horizon`, the latest moment the run is known to have reached.
 */
function barOf(item, horizon) {
    const start = clockMs(item.startTime);
    if (start === null)
        return null;
    const running = itemState(item) === 'running';
    const length = item.durationSeconds ?? (running ? Math.max(0, ((horizon ?? start) - start) / 1000) : null);
    if (length === null || !Number.isFinite(length) || length < 0)
        return null;
    const seconds = Math.max(1, Math.round(length));
    return start + seconds * 1000 < YEAR_10000_MS ? { item, start, seconds } : null;
}
function barLine({ item, start, seconds }) {
    const state = itemState(item);
    // The icon first: a label can then never start with a keyword (`section`, `title`, `click`) or a date.
    const label = `${STATE_ICON[state]} ${chartLabel(item.name)}`;
    const tag = BAR_TAG[state];
    return `    ${label} :${tag ? `${tag}, ` : ''}${chartTime(start)}, ${seconds}s`;
}
/** The latest moment the run is known to have reached, from its own and its items' ends. */
function horizonOf(run) {
    // A loop, not Math.max(...ends): a run with a few hundred thousand items would overflow the stack.
    let latest = null;
    for (const item of [run, ...run.stages, ...run.stages.flatMap(stage => stage.tasks)]) {
        const start = clockMs(item.startTime);
        if (start === null || item.durationSeconds === null)
            continue;
        const end = start + item.durationSeconds * 1000;
        if (latest === null || end > latest)
            latest = end;
    }
    return latest;
}
/**
 * A Mermaid gantt of the stages (sections) and their tasks (bars); a stage none of whose tasks can be
 * drawn is drawn itself. Empty when nothing has a time, so no chart is written at all.
 */
function timeline(run) {
    const horizon = horizonOf(run);
    const sections = [];
    let shown = 0;
    let left = 0;
    run.stages.forEach((stage, i) => {
        let bars = stage.tasks.map(task => barOf(task, horizon)).filter(b => b !== null);
        if (bars.length === 0)
            bars = [barOf(stage, horizon)].filter(b => b !== null);
        const fits = bars.slice(0, MAX_BARS - shown).map(barLine);
        shown += fits.length;
        left += bars.length - fits.length;
        if (fits.length > 0) {
            sections.push([`    section ${chartLabel(stage.name) || `Stage ${i + 1}`}`, ...fits]);
        }
    });
    if (shown === 0)
        return { chart: '', left: 0 };
    const chart = [
        '```mermaid',
        'gantt',
        '    dateFormat YYYY-MM-DD HH:mm:ss',
        '    axisFormat %H:%M:%S',
        '    todayMarker off',
        ...sections.flat(),
        '```'
    ].join('\n');
    return { chart, left };
}
/** The timeline with its heading. A Markdown fence amid HTML needs a blank line on each side. */
function timelineSection(run) {
    const { chart, left } = timeline(run);
    if (!chart)
        return null;
    // v5 times are UTC; v3 times are the region's, unstated.
    const utc = [run, ...run.stages].some(s => s.startTime?.endsWith('Z')) ? ' (UTC)' : '';
    const note = left
        ? `\n<p>${left} more bars are left out of the timeline to keep it readable; the table lists them.</p>`
        : '';
    // Joined to the next part by a newline, the trailing one makes the blank line after the fence.
    return `<h3>Timeline${utc}</h3>\n\n${chart}\n${note}`;
}
/** The summary of a wait; `run` is null when no status named a run (e.g. cancelled before the first). */
function summaryHtml(run, verdict, pipelineId) {
    const name = run?.pipelineName ?? pipelineId;
    const top = [
        `<h2>${ICON[verdict.conclusion]} CodeArts pipeline ${summary_link(run?.detailUrl ?? null, name)} ${HEADING[verdict.conclusion]}</h2>`
    ];
    if (verdict.message)
        top.push(`<p>${escapeHtml(verdict.message)}</p>`);
    if (!run)
        return `${top.join('\n')}\n`;
    const table = runTable(run);
    const chart = timelineSection(run);
    let size = Buffer.byteLength([...top, table, chart ?? ''].join('\n'));
    const failed = [];
    const failedItems = verdict.conclusion === 'success' ? [] : failures(run);
    if (failedItems.length > 0) {
        const head = '<h3>What failed</h3>\n<ul>';
        const room = Math.min(FAILED_BUDGET_BYTES, BUDGET_BYTES - size) - head.length - 6;
        const lines = fitting(failedItems, failureLine, room);
        failed.push(head, ...lines, '</ul>');
        if (lines.length < failedItems.length) {
            failed.push(`<p>${failedItems.length - lines.length} more failures are in the table below.</p>`);
        }
        size += Buffer.byteLength(failed.join('\n')) + 1;
    }
    const parts = [...top, ...failed, table];
    if (chart)
        parts.push(chart);
    const rows = summary_items(run);
    if (rows.length > 0) {
        const head = '<h3>Stages</h3>\n<table>\n<tr><th>Stage</th><th>Task</th><th>Status</th><th>Outcome</th><th>Duration</th><th>Error</th></tr>';
        const shown = fitting(rows, stageRow, BUDGET_BYTES - size - head.length - 10);
        parts.push(head, ...shown, '</table>');
        if (shown.length < rows.length) {
            parts.push(`<p>${rows.length - shown.length} more stage and task rows are left out to keep the summary under GitHub's 1 MiB limit; see the run's detail page.</p>`);
        }
    }
    return `${parts.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/main.ts
// The one module that talks to the runner (runner.ts): inputs in; logs, outputs, summary, result out.

















function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
/** Runs a step of reporting whose failure must not change the result (or hide the real error). */
function bestEffort(what, report) {
    return Promise.resolve()
        .then(report)
        .then(() => undefined, error => warning(`Could not ${what}: ${messageOf(error)}`));
}
function masked(value) {
    if (value.trim() !== '')
        setSecret(value.trim());
    return value;
}
function readInputs() {
    const { settings, notes } = readSettings({
        get: (name, keepWhitespace) => getInput(name, { trimWhitespace: !keepWhitespace }),
        getSecret: name => masked(getInput(name)),
        getSecretEnv: name => masked(process.env[name] ?? ''),
        env: process.env
    });
    for (const note of notes)
        warning(note);
    return settings;
}
function authFor(credentials, transport, secrets) {
    let logins = 0;
    switch (credentials.method) {
        case 'token':
            return tokenAuth(credentials.token);
        case 'access-keys':
            return accessKeyAuth(credentials);
        case 'iam-password':
            return passwordAuth(credentials, transport, token => {
                setSecret(token);
                if (++logins > 1)
                    info('The IAM token was refused as expired; logged in again.');
                secrets.add(token);
                debug('Logged in to IAM; the token is masked.');
            }, text => scrub(text, secrets));
    }
}
// The runner sends SIGINT on cancel and SIGTERM 7.5 s later: stopping the run and writing the summary
// must fit well inside that. A start request in flight gets a little time to bring the run's id.
const STOP_TIMEOUT_MS = 3_000;
const START_MIN_MS = 10_000;
const START_GRACE_MS = 2_500;
const CANCEL_DEADLINE_MS = 6_500;
function describeTarget(settings) {
    const api = settings.apiVersion === 'v5' ? `v5, project ${settings.projectId}` : 'v3';
    return `pipeline ${settings.pipelineId} at ${settings.endpoint} (${api})`;
}
/** One sentence on what became of the run after a cancel or a timeout, stopping it if that is asked. */
async function afterwards(api, reason, runId, startedHere, settings) {
    if (runId === undefined)
        return '';
    const choice = stopChoice(reason, quote(runId), startedHere, settings);
    if (!choice.stop)
        return ` ${choice.sentence}`;
    info(`Stopping run ${quote(runId)}.`);
    const stop = await api.stop(runId, STOP_TIMEOUT_MS);
    return stop.stopped
        ? ` Run ${quote(runId)} was stopped (stop-on-${reason}).`
        : ` Could not stop run ${quote(runId)}: ${stop.reason}.`;
}
/** The verdict out: annotation, exit code, outputs and summary. */
async function report(run, verdict, settings, runId, summary = settings.summary) {
    if (run)
        group('CodeArts run report', runReport(run));
    if (verdict.message === undefined) {
        process.exitCode = 0;
        // wait: false ends green with the run still going: that is not the pipeline succeeding.
        if (run?.phase === 'completed') {
            info(`Pipeline ${quote(run.pipelineName ?? settings.pipelineId)} succeeded.`);
        }
    }
    else {
        error(verdict.message, { title: verdict.culprit ?? 'CodeArts pipeline' });
    }
    await bestEffort('set the outputs', () => {
        const outputs = outputsOf(run, verdict.conclusion);
        if (runId !== undefined)
            outputs['build-id'] ??= runId;
        for (const [name, value] of Object.entries(outputs))
            setOutput(name, value);
    });
    if (summary) {
        await bestEffort('write the job summary', () => appendSummary(summaryHtml(run, verdict, settings.pipelineId)));
    }
}
async function fail(message, conclusion) {
    setFailed(message);
    await bestEffort('set the outputs', () => setOutput('conclusion', conclusion));
}
/** Starts the run: its id, or the verdict when there is none to wait for. Never sends twice. */
async function startRun(api, settings, parameters, requestMs, signal) {
    const count = parameters.length;
    info(`Starting a run of ${describeTarget(settings)}` +
        (count ? ` with ${count} parameter${count === 1 ? '' : 's'}.` : '.'));
    const request = api.start(parameters, requestMs);
    const first = await unlessAborted(request, signal);
    const cancelled = first === ABORTED;
    // Cancelled mid-start: the answer may still bring the run's id, and with it the chance to stop it.
    const start = first === ABORTED ? await orTimeout(request, START_GRACE_MS) : first;
    const pipeline = `pipeline ${settings.pipelineId}`;
    if (start === undefined) {
        return {
            verdict: {
                conclusion: 'cancelled',
                message: `The workflow was cancelled while a run of ${pipeline} was being started, and the start request was not answered in time: the run may have started, and could not be stopped as its id is unknown.`
            }
        };
    }
    if (start.kind === 'failed') {
        return {
            verdict: {
                conclusion: cancelled ? 'cancelled' : 'error',
                message: `Could not start a run of ${pipeline}: ${start.reason}`
            }
        };
    }
    // Set now, so that it exists even if the job is cancelled later.
    await bestEffort('set the outputs', () => setOutput('build-id', start.runId));
    info(start.queued
        ? `Run ${quote(start.runId)} is queued behind other runs (a concurrency limit); waiting for it to start.`
        : `Started run ${quote(start.runId)}.`);
    if (!cancelled)
        return { runId: start.runId };
    const after = await afterwards(api, 'cancel', start.runId, true, settings);
    return {
        runId: start.runId,
        verdict: {
            conclusion: 'cancelled',
            message: `The workflow was cancelled while run ${quote(start.runId)} of ${pipeline} was being started.${after}`
        }
    };
}
async function run() {
    // Failed until a verdict of success says otherwise: a path that ends with no verdict (a bug, an event
    // loop left with nothing to do) must not pass.
    process.exitCode = 1;
    let settings;
    try {
        settings = readInputs();
    }
    catch (error) {
        await fail(error instanceof InputError ? error.message : messageOf(error), 'error');
        return;
    }
    const cancel = new AbortController();
    const onSignal = (signal) => {
        if (cancel.signal.aborted)
            return;
        info(`Received ${signal}: the workflow is being cancelled.`);
        cancel.abort();
        // Whatever is still under way, the step ends before the runner's SIGTERM.
        setTimeout(() => {
            error(`Could not finish within ${CANCEL_DEADLINE_MS} ms of the cancellation; exiting.`);
            process.exit(1);
        }, CANCEL_DEADLINE_MS).unref();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const transport = createTransport();
    try {
        const { credentials } = settings;
        debug(`Authenticating with ${describeCredentials(credentials)}.`);
        const secrets = new Set(secretValues(credentials));
        const client = new CodeArtsClient({
            endpoint: settings.endpoint,
            auth: authFor(credentials, transport, secrets),
            credentials,
            transport,
            secrets
        });
        const api = pipelineApi(client, {
            version: settings.apiVersion,
            pipelineId: settings.pipelineId,
            projectId: settings.projectId
        });
        const requestMs = Math.min(requestTimeoutMs(settings.pollIntervalMs), settings.timeoutMs);
        let runId = settings.buildId;
        if (settings.start) {
            const started = await startRun(api, settings, settings.start.parameters, 
            // Not cut to the timeout, which bounds the wait; and never short, as an IAM login comes out of it.
            Math.max(requestTimeoutMs(settings.pollIntervalMs), START_MIN_MS), cancel.signal);
            if ('verdict' in started) {
                await report(null, started.verdict, settings, started.runId);
                return;
            }
            runId = started.runId;
        }
        const startedHere = settings.start !== undefined;
        // After a start: the run's link as an output and a notice, as soon as a status gives it.
        let noticed = false;
        const announce = (run, last = false) => {
            if (!startedHere || noticed || runId === undefined)
                return;
            const url = webUrl(run?.detailUrl);
            if (!url && !last)
                return;
            noticed = true;
            if (url)
                void bestEffort('set the outputs', () => setOutput('detail-url', url));
            const name = run?.pipelineName ? `"${quote(run.pipelineName)}"` : settings.pipelineId;
            notice(`Started run ${quote(runId)} of pipeline ${name}${url ? `: ${quote(url)}` : '.'}`, {
                title: 'CodeArts pipeline run started'
            });
        };
        if (!settings.wait) {
            // One status read for the run's link, not a wait: the step ends as soon as the run is known.
            const answer = await unlessAborted(api.status(runId, requestMs), cancel.signal);
            if (answer === ABORTED) {
                const after = await afterwards(api, 'cancel', runId, true, settings);
                const message = `The workflow was cancelled just after run ${quote(runId ?? '')} was started.${after}`;
                await report(null, { conclusion: 'cancelled', message }, settings, runId);
                return;
            }
            const parsed = answer.kind === 'ok' ? api.parse(answer.body) : null;
            const known = parsed?.runId === runId ? parsed : null;
            announce(known, true);
            if (known?.phase === 'completed') {
                // Already over: its result is the step's, as if it had been waited for.
                const verdict = decide({ kind: 'completed', run: known }, settings.pipelineId, settings.timeoutMs);
                await report(known, verdict, settings, runId);
                return;
            }
            if (!known)
                warning(`Could not read run ${quote(runId ?? '')} yet, so its link is not known.`);
            info(`Not waiting for run ${quote(runId ?? '')} (wait: false).`);
            // No summary: nothing has happened yet that it could tell.
            await report(known, { conclusion: 'success' }, settings, runId, false);
            return;
        }
        info(`Waiting for ${runId ? `run ${quote(runId)}` : 'the latest run'} of ${describeTarget(settings)} ` +
            `(timeout ${formatDuration(settings.timeoutMs)}, polling every ${formatDuration(settings.pollIntervalMs)}).`);
        const result = await waitForRun({
            runId,
            timeoutMs: settings.timeoutMs,
            pollIntervalMs: settings.pollIntervalMs,
            fetchStatus: (id, timeoutMs) => api.status(id, timeoutMs),
            parse: api.parse,
            log: { info: info, debug: debug, warning: line => warning(line) },
            onRun: run => announce(run),
            signal: cancel.signal
        });
        announce(result.run, true);
        const verdict = decide(result, settings.pipelineId, settings.timeoutMs, runId);
        const watched = result.run?.runId ?? runId;
        if (result.kind === 'cancelled' || result.kind === 'timed_out') {
            const reason = result.kind === 'cancelled' ? 'cancel' : 'timeout';
            verdict.message += await afterwards(api, reason, watched, startedHere, settings);
        }
        await report(result.run, verdict, settings, watched);
    }
    catch (error) {
        await fail(`Unexpected error: ${messageOf(error)}`, 'error');
    }
    finally {
        transport.close();
    }
}

;// CONCATENATED MODULE: ./src/index.ts

// The step waits far more than it computes: V8's optimising compilers would add about 12 MB of resident
// memory over a long wait (measured with npm run bench) to speed up code that runs once per poll. Turned
// off once the first request is on its way, as loading node:v8 costs more start-up than all the rest.
setTimeout(() => {
    void Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 877, 23)).then(v8 => {
        v8.setFlagsFromString('--no-maglev');
        v8.setFlagsFromString('--no-turbofan');
    });
}, 100).unref();
// No top-level await: the bundle is CommonJS (scripts/bundle.ts). run() reports its own errors.
void run().then(() => {
    // The verdict is out. A DNS lookup or proxy handshake abandoned at the deadline can still hold the
    // event loop for many seconds; it must not hold the step.
    setTimeout(() => process.exit(), 200).unref();
});

module.exports = __webpack_exports__;
/******/ })()
;