// The web app's live client (web/src/live.js) against a scripted fetch, without a browser
// or a stack: SSE parsing, the REST snapshot on every (re)connect and on a gap in seq,
// Last-Event-ID on reconnect, a silent stream reopened, polling when there is no stream.
// (Run with the end-to-end tests; it needs only node.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { live, readEvents } = await import(pathToFileURL(join(process.env.TURNERO_SRC_DIR, 'web/src/live.js')).href);

const enc = new TextEncoder();
// A stream response (as fetch makes it, for script() below): the given chunks, then closed
// (or left open when `hold`); aborting the request's signal errors the body, as in a browser.
function sse(chunks, { hold = false, status = 200, type = 'text/event-stream; charset=utf-8' } = {}) {
	return (init) => {
		const body = new ReadableStream({
			start(c) {
				for (const x of chunks) c.enqueue(enc.encode(x));
				if (!hold) c.close();
				init.signal?.addEventListener('abort', () => { try { c.error(new DOMException('aborted', 'AbortError')); } catch (_) { /* closed */ } });
			},
		});
		return new Response(body, { status, headers: { 'Content-Type': type } });
	};
}
// Resolves when fn() is true, polling; fails after a generous while (never a timing check).
async function until(fn, what) {
	for (let i = 0; i < 500; i++) {
		if (fn()) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	assert.fail(`never happened: ${what}`);
}
// Replaces fetch for one test: answers[i] answers the i-th request (the last repeats).
function script(answers) {
	const requests = [];
	const saved = globalThis.fetch;
	globalThis.fetch = async (url, init = {}) => {
		const i = Math.min(requests.length, answers.length - 1);
		requests.push({ url, headers: { ...(init.headers || {}) }, signal: init.signal });
		const a = answers[i];
		if (a instanceof Error) throw a;
		return typeof a === 'function' ? a(init) : a;
	};
	return { requests, restore: () => { globalThis.fetch = saved; } };
}

describe('live client', () => {
	it('parses SSE: events, ids, multi-line data, comments, CRLF and split chunks', async () => {
		const got = [];
		const res = sse([': ping\r\n', 'id: 7\r\nevent: board\r\ndata: {"a"', ':1}\r\n\r\n', 'data: one\ndata: two\n\n', 'id: 8\nevent: ticket\ndata: {"seq":3}\n\n'])({});
		await readEvents(res.body, (e) => got.push(e));
		assert.deepEqual(got, [
			{ event: 'board', data: '{"a":1}', id: '7' },
			{ event: '', data: 'one\ntwo', id: '7' },
			{ event: 'ticket', data: '{"seq":3}', id: '8' },
		]);
	});

	it('reads the snapshot on connect, resumes with Last-Event-ID and fills a gap in seq', async () => {
		const first = sse(['id: 10:0\nevent: ticket\ndata: {"seq":1}\n\n', 'id: 11:0\nevent: ticket\ndata: {"seq":2}\n\n']);
		const second = sse(['id: 14:0\nevent: ticket\ndata: {"seq":5}\n\n'], { hold: true });
		const f = script([first, second]);
		const states = [], events = [];
		let snapshots = 0;
		const stop = live({ url: '/api/v1/live/queues/q', auth: false, retryMs: 5,
			snapshot: async () => { snapshots++; }, onEvent: (name, data) => events.push([name, data.seq]), onStatus: (s) => states.push(s) });
		try {
			await until(() => events.length === 3, 'three events');
			assert.deepEqual(events, [['ticket', 1], ['ticket', 2], ['ticket', 5]]);
			assert.equal(f.requests.length, 2);
			assert.equal(f.requests[0].headers.Accept, 'text/event-stream');
			assert.equal(f.requests[0].headers['Last-Event-ID'], undefined);
			assert.equal(f.requests[1].headers['Last-Event-ID'], '11:0', 'resumes after the last id');
			assert.deepEqual(states.slice(0, 3), ['live', 'reconnecting', 'live']);
			// Connect, reconnect (before and after the back-off) and the gap 2 -> 5.
			await until(() => snapshots >= 4, 'a snapshot for the gap');
		} finally {
			stop();
			f.restore();
		}
		assert.ok(f.requests[1].signal.aborted, 'stop() closes the stream');
	});

	it('reopens a stream that stays silent', async () => {
		const f = script([sse([], { hold: true }), sse([], { hold: true })]);
		const states = [];
		const stop = live({ url: '/x', auth: false, idleMs: 30, retryMs: 5, snapshot: async () => {}, onEvent: () => {}, onStatus: (s) => states.push(s) });
		try {
			await until(() => f.requests.length >= 2, 'a second connection');
			assert.ok(f.requests[0].signal.aborted, 'the silent one was closed');
			assert.deepEqual(states.slice(0, 3), ['live', 'reconnecting', 'live']);
		} finally {
			stop();
			f.restore();
		}
	});

	it('polls the snapshot when the server has no stream, and says reconnecting while it is away', async () => {
		const f = script([new Response('{}', { status: 404, headers: { 'Content-Type': 'application/problem+json' } })]);
		const states = [];
		let snapshots = 0, fail = false;
		const stop = live({ url: '/x', auth: false, pollMs: 5, retryMs: 5, onEvent: () => {}, onStatus: (s) => states.push(s),
			snapshot: async () => { snapshots++; if (fail) throw new Error('down'); } });
		try {
			await until(() => snapshots >= 3, 'three polls');
			assert.equal(states[0], 'polling');
			fail = true;
			await until(() => states.includes('reconnecting'), 'reconnecting');
			fail = false;
			await until(() => states[states.length - 1] === 'polling', 'polling again');
			assert.equal(f.requests.length, 1, 'one probe of the stream');
		} finally {
			stop();
			f.restore();
		}
	});

	it('retries a stream the network lost, reading the snapshot meanwhile', async () => {
		const f = script([new TypeError('network down'), new TypeError('network down'), sse(['event: board\ndata: {"queues":[]}\n\n'], { hold: true })]);
		const states = [], events = [];
		let snapshots = 0;
		const stop = live({ url: '/x', auth: false, retryMs: 5, snapshot: async () => { snapshots++; },
			onEvent: (n) => events.push(n), onStatus: (s) => states.push(s) });
		try {
			await until(() => events.length === 1, 'the event after the outage');
			assert.deepEqual(states, ['reconnecting', 'live']);
			assert.equal(f.requests.length, 3);
			assert.ok(snapshots >= 3, `snapshots: ${snapshots}`);
		} finally {
			stop();
			f.restore();
		}
	});
});
