// Live updates: Server-Sent Events read through fetch (so the token travels in the
// Authorization header, never in a URL), with polling of the REST snapshot when the
// stream is not there (404) and retries with back-off through network and server outages.
//
//   const stop = live({url, auth, snapshot, onEvent, onStatus, pollMs, idleMs, retryMs})
// snapshot(): reads the REST resource (called at start, after every reconnect, on a
// gap in seq, and every pollMs while polling). onStatus('live' | 'polling' | 'reconnecting'):
// 'live' is an open event stream (SSE), 'polling' the fallback when the server has none.
// reach(ok): whether the server answered the stream's request (api.js noteReachable).
// A stream that stays silent for longer than idleMs (nginx pings every 30 s) counts as
// dropped: a connection that died without a word is noticed and reopened.
import { authHeader, refresh, ApiError } from './api.js';

export function live({ url, auth = true, snapshot, onEvent, onStatus = () => {}, reach = () => {}, pollMs = 3000, idleMs = 75000, retryMs = 1000 }) {
	let stopped = false;
	let controller = null;
	let timer = null;
	let failures = 0;
	let lastId = null;
	let lastSeq = null;
	let mode = null;
	// Retries after retryMs, doubling per failure up to 30 s, with jitter so that the screens
	// of an office do not all come back in the same instant.
	const backoff = () => Math.min(30000, retryMs * 2 ** Math.min(failures, 5)) * (0.75 + Math.random() * 0.5);
	const status = (s) => {
		if (s !== mode) {
			mode = s;
			onStatus(s);
		}
	};
	const wait = (ms) => new Promise((r) => { timer = setTimeout(r, ms); });

	async function takeSnapshot() {
		try {
			await snapshot();
			return true;
		} catch (e) {
			return false;
		}
	}

	async function poll() {
		// Polling mode: the snapshot every pollMs; the stream is tried again now and then.
		let sinceProbe = 0;
		while (!stopped) {
			const ok = await takeSnapshot();
			if (stopped) return;
			if (ok) {
				failures = 0;
				status('polling');
			} else {
				failures++;
				status('reconnecting');
			}
			await wait(ok ? pollMs : backoff());
			sinceProbe += pollMs;
			if (sinceProbe >= 60000) return; // back to stream() to probe for SSE
		}
	}

	function dispatch(ev) {
		if (ev.id) lastId = ev.id;
		let data = ev.data;
		try { data = JSON.parse(ev.data); } catch (_) { /* plain text */ }
		// A gap in the numbered events: the REST snapshot fills it.
		if (data && typeof data.seq === 'number') {
			if (lastSeq !== null && data.seq > lastSeq + 1) takeSnapshot();
			lastSeq = data.seq;
		}
		onEvent(ev.event || 'message', data);
	}

	async function stream() {
		while (!stopped) {
			controller = new AbortController();
			let res;
			try {
				const headers = { Accept: 'text/event-stream', ...(auth ? await authHeader() : {}) };
				if (lastId) headers['Last-Event-ID'] = lastId;
				res = await fetch(url, { headers, signal: controller.signal, cache: 'no-store' });
			} catch (e) {
				if (stopped) return;
				reach(false);
				failures++;
				status('reconnecting');
				await takeSnapshot();
				await wait(backoff());
				continue;
			}
			const type = res.headers.get('Content-Type') || '';
			if (res.status === 401 && auth) {
				controller.abort();
				try { await refresh(); } catch (e) { if (!(e instanceof ApiError) || e.status >= 500) failures++; }
				status('reconnecting');
				await wait(backoff());
				continue;
			}
			if (res.status === 404 || res.status === 405 || (res.ok && !type.includes('text/event-stream'))) {
				// No live endpoint on this server (yet): poll the REST snapshot.
				controller.abort();
				await poll();
				continue;
			}
			if (!res.ok) {
				controller.abort();
				if (res.status >= 502) reach(false);
				failures++;
				status('reconnecting');
				await takeSnapshot();
				await wait(backoff());
				continue;
			}
			failures = 0;
			reach(true);
			status('live');
			await takeSnapshot();
			let idle = null;
			const alive = () => {
				clearTimeout(idle);
				idle = setTimeout(() => controller.abort(), idleMs);
			};
			alive();
			try {
				await readEvents(res.body, dispatch, alive);
			} catch (_) { /* connection dropped */ }
			clearTimeout(idle);
			if (stopped) return;
			failures++;
			status('reconnecting');
			await wait(backoff());
			await takeSnapshot();
		}
	}

	stream();
	return () => {
		stopped = true;
		clearTimeout(timer);
		if (controller) controller.abort();
	};
}

// Parses an SSE byte stream (text/event-stream) and calls fn({event, data, id}) per message
// (and onBytes() whenever anything arrives, comments included).
export async function readEvents(body, fn, onBytes = () => {}) {
	const reader = body.pipeThrough(new TextDecoderStream()).getReader();
	let buf = '';
	let ev = { event: '', data: [], id: '' };
	for (;;) {
		const { value, done } = await reader.read();
		if (done) return;
		onBytes();
		buf += value;
		let nl;
		while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
			const line = buf.slice(0, nl);
			buf = buf.slice(nl + (buf[nl] === '\r' && buf[nl + 1] === '\n' ? 2 : 1));
			if (line === '') {
				if (ev.data.length) fn({ event: ev.event, data: ev.data.join('\n'), id: ev.id });
				ev = { event: '', data: [], id: ev.id };
				continue;
			}
			if (line.startsWith(':')) continue;
			const colon = line.indexOf(':');
			const field = colon < 0 ? line : line.slice(0, colon);
			let v = colon < 0 ? '' : line.slice(colon + 1);
			if (v.startsWith(' ')) v = v.slice(1);
			if (field === 'data') ev.data.push(v);
			else if (field === 'event') ev.event = v;
			else if (field === 'id') ev.id = v;
		}
	}
}
