// @ts-check
// The API client: the session (access token in memory, refresh token in
// sessionStorage, refreshed before it expires), JSON calls and problem+json errors.
// request() calls a route by its template in openapi.yaml and is typed from it
// (api-types.d.ts); endpoints.js names the calls the pages make.
import { store } from './store.js';

const REFRESH_KEY = 'turnero.refresh';
// session: access token, the user (me), ready once the page knows whether it is signed in;
// waiting while the tab has a session the server cannot be asked about (an outage: it is
// resumed when the server is back), ended when the server ended it (the refresh token
// expired or was revoked: sign-in says so).
export const session = store({ access: null, me: null, ready: false });
// Whether the API answers: false after a network failure or a 502/503/504, until
// GET /health (asked with back-off) or any other call answers again. Pages say so in words
// and load again when it turns true (ui.jsx: OutageBanner, useReconnect).
export const reachable = store(true);
let expiresAt = 0;
let refreshTimer = null;
let refreshing = null;

// An answer that was not 2xx; `problem` is the problem+json body when there is one.
export class ApiError extends Error {
	constructor(status, problem, message) {
		super(message || problem?.detail || problem?.error_description || problem?.title || `HTTP ${status}`);
		this.status = status;
		this.problem = problem || {};
	}
	// Field errors as {field: message}.
	get fields() {
		const out = {};
		for (const e of this.problem.errors || []) out[e.field] = out[e.field] ? `${out[e.field]}; ${e.message}` : e.message;
		return out;
	}
}
// The network or the server is down (no answer, or 502/503/504).
export const isOutage = (e) => !(e instanceof ApiError) || e.status === 0 || e.status >= 502;

let probeTimer = null;
// What an answer (or its absence) says about the server: ok is false for no answer or 5xx >= 502.
export function noteReachable(ok) {
	if (reachable.get() !== ok) reachable.set(ok);
	if (!ok && !probeTimer) probe(1500);
}
function probe(delay) {
	probeTimer = setTimeout(async () => {
		let ok = false;
		try {
			const res = await fetch('/api/v1/health', { cache: 'no-store', headers: { Accept: 'application/json' } });
			ok = res.status < 502;
		} catch (_) { /* still away */ }
		probeTimer = null;
		if (ok) noteReachable(true);
		else if (!reachable.get()) probe(Math.min(10000, delay * 1.5));
	}, delay);
}

function storedRefresh() {
	try { return sessionStorage.getItem(REFRESH_KEY); } catch (_) { return null; }
}
function storeRefresh(v) {
	try {
		if (v) sessionStorage.setItem(REFRESH_KEY, v);
		else sessionStorage.removeItem(REFRESH_KEY);
	} catch (_) { /* storage disabled */ }
}

async function readBody(res) {
	const type = res.headers.get('Content-Type') || '';
	if (res.status === 204) return null;
	if (type.includes('json')) return res.json().catch(() => null);
	return res.text();
}

async function tokenRequest(fields) {
	let res;
	// An answer that never comes must not hold every later refresh (refresh() shares the
	// one in flight): given up after 20 s, it counts as an outage and is tried again.
	const ctl = new AbortController();
	const giveUp = setTimeout(() => ctl.abort(), 20000);
	try {
		res = await fetch('/api/v1/auth/token', {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(fields),
			signal: ctl.signal,
		});
	} catch (e) {
		noteReachable(false);
		throw new ApiError(0, null, e instanceof Error ? e.message : String(e));
	} finally {
		clearTimeout(giveUp);
	}
	noteReachable(res.status < 502);
	const body = await readBody(res);
	if (!res.ok) throw new ApiError(res.status, typeof body === 'object' ? body : null);
	return body;
}

function schedule(expiresIn) {
	expiresAt = Date.now() + expiresIn * 1000;
	clearTimeout(refreshTimer);
	// Refresh at 80 % of the lifetime, so a slow answer still arrives in time.
	refreshTimer = setTimeout(() => refresh().catch(() => {}), Math.max(5, expiresIn * 0.8) * 1000);
}

async function accept(tok) {
	// Kept at once: the old refresh token is spent, whatever happens next.
	storeRefresh(tok.refresh_token);
	// Bounded like the token request: the session's refresh waits for this answer.
	const me = await call('GET', '/auth/me', undefined, { token: tok.access_token, timeoutMs: 20000 });
	// The next refresh is timed once this one is over: a timer that fired while it was in
	// flight would only join it, and none would be left for the next expiry.
	schedule(tok.expires_in);
	session.set({ access: tok.access_token, me, ready: true });
	return me;
}

export async function login(username, password) {
	const tok = await tokenRequest({ grant_type: 'password', username, password });
	return accept(tok);
}

// One refresh at a time: a rotated refresh token used twice revokes the session.
export function refresh() {
	if (refreshing) return refreshing;
	const rt = storedRefresh();
	if (!rt) return Promise.reject(new ApiError(401, null, 'signed out'));
	refreshing = (async () => {
		try {
			return await accept(await tokenRequest({ grant_type: 'refresh_token', refresh_token: rt }));
		} catch (e) {
			if (e instanceof ApiError && !isOutage(e) && e.status !== 429) {
				// The refresh token is no good any more (expired, revoked, or its user
				// deactivated): signed out, and sign-in says why.
				storeRefresh(null);
				clearTimeout(refreshTimer);
				session.set({ access: null, me: null, ready: true, ended: true });
			} else {
				// The server is away: try again soon, keeping the refresh token.
				clearTimeout(refreshTimer);
				refreshTimer = setTimeout(() => refresh().catch(() => {}), 5000);
			}
			throw e;
		} finally {
			refreshing = null;
		}
	})();
	return refreshing;
}

// On page load: resume the session of this tab, if it has one.
export async function resume() {
	if (!storedRefresh()) {
		session.set({ access: null, me: null, ready: true });
		return null;
	}
	try {
		return await refresh();
	} catch (e) {
		// The server is away: the page waits for it (refresh() tries again) instead of
		// sending a signed-in screen to sign-in.
		// (429: nginx's limit on the token endpoint, tried again as well.)
		if ((isOutage(e) || (e instanceof ApiError && e.status === 429)) && storedRefresh()) session.set({ ...session.get(), ready: true, waiting: true });
		return null;
	}
}

export async function logout() {
	const rt = storedRefresh();
	const access = session.get().access;
	clearTimeout(refreshTimer);
	storeRefresh(null);
	session.set({ access: null, me: null, ready: true });
	if (rt && access) {
		await fetch('/api/v1/auth/logout', {
			method: 'POST',
			headers: { Authorization: `Bearer ${access}`, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ refresh_token: rt }),
		}).catch(() => {});
	}
}

export async function authHeader() {
	if (session.get().access && Date.now() > expiresAt - 5000) await refresh().catch(() => {});
	const a = session.get().access;
	return a ? { Authorization: `Bearer ${a}` } : {};
}

// call('POST', '/tickets', body, {headers, raw, public, timeoutMs}): the parsed answer, or
// throws ApiError (status 0 when there was no answer, or none within timeoutMs).
export async function call(method, path, body, opts = {}) {
	const headers = { Accept: 'application/json', ...(opts.headers || {}) };
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	else if (!opts.public) Object.assign(headers, await authHeader());
	let payload;
	if (body !== undefined && body !== null) {
		if (typeof body === 'string' || body instanceof Blob) payload = body;
		else {
			headers['Content-Type'] = 'application/json';
			payload = JSON.stringify(body);
		}
	}
	let res;
	const ctl = opts.timeoutMs ? new AbortController() : null;
	const giveUp = ctl ? setTimeout(() => ctl.abort(), opts.timeoutMs) : undefined;
	try {
		res = await fetch('/api/v1' + path, { method, headers, body: payload, cache: 'no-store', signal: ctl?.signal });
	} catch (e) {
		noteReachable(false);
		throw new ApiError(0, null, e instanceof Error ? e.message : String(e));
	} finally {
		clearTimeout(giveUp);
	}
	noteReachable(res.status < 502);
	if (res.status === 401 && !opts.token && !opts.public && !opts.retried && storedRefresh()) {
		await refresh();
		return call(method, path, body, { ...opts, retried: true });
	}
	if (opts.raw && res.ok) return res;
	const data = await readBody(res);
	if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? data : null);
	return data;
}

/**
 * A route of openapi.yaml by its template, typed from it:
 *   request('post', '/desks/{id}/call-next', { path: { id } })
 * @template {import('./api-types').Path} P
 * @template {import('./api-types').MethodOf<P>} M
 * @param {M} method
 * @param {P} template
 * @param {import('./api-types').Options<P, M>} [opts]
 * @returns {Promise<import('./api-types').Result<P, M>>}
 */
export function request(method, template, opts) {
	/** @type {{path?: Record<string, unknown>, query?: Record<string, unknown>, body?: unknown, headers?: Record<string, string>, public?: boolean}} */
	const o = /** @type {any} */ (opts) || {};
	const url = String(template).replace(/\{(\w+)\}/g, (_, k) => {
		const v = o.path?.[k];
		if (v === undefined || v === null || v === '') throw new Error(`request ${template}: no ${k}`);
		return encodeURIComponent(String(v));
	});
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(o.query || {})) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	const qs = q.toString();
	return call(String(method).toUpperCase(), qs ? `${url}?${qs}` : url, o.body, { headers: o.headers, public: o.public });
}

export const get = (p, o) => call('GET', p, undefined, o);
export const post = (p, b, o) => call('POST', p, b, o);

// A list endpoint read whole (up to `max` items), following limit/offset.
export async function getAll(path, max = 2000) {
	const items = [];
	const sep = path.includes('?') ? '&' : '?';
	for (let offset = 0; offset < max; offset += 500) {
		const page = await get(`${path}${sep}limit=500&offset=${offset}`);
		items.push(...page.items);
		if (items.length >= page.total || page.items.length === 0) break;
	}
	return items;
}

export const hasPerm = (me, module, action) =>
	!!me?.permissions?.some((p) => p.module === module && p.action === action);

// Where a user starts, by what they may do.
export function landing(me) {
	if (hasPerm(me, 'users', 'read')) return '/admin';
	if (hasPerm(me, 'tickets', 'update')) return '/counter';
	if (hasPerm(me, 'tickets', 'create')) return '/kiosk';
	if (hasPerm(me, 'queues', 'read')) return '/board';
	if (hasPerm(me, 'reports', 'read')) return '/reports';
	return '/login';
}

