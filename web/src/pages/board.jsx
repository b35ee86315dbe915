// The waiting-room display (1920x1080): per queue the desks and the code each
// serves and the next codes; a new call is highlighted, chimed and spoken.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { getBoard } from '../endpoints.js';
import { callsOf, looseCall } from '../calls.js';
import { t, lang, locale } from '../i18n.js';
import { useStore } from '../store.js';
import { LangSwitch, LiveState, OutageBanner } from '../ui.jsx';
import { noteReachable } from '../api.js';
import { live } from '../live.js';
import { announce, callText } from '../speech.js';

const HIGHLIGHT_MS = 12000;

export function Board() {
	useStore(lang);
	const [board, setBoard] = useState(null);
	const [state, setState] = useState(null);
	const [fresh, setFresh] = useState({}); // call key -> time first seen
	const [last, setLast] = useState(null);
	const [clock, setClock] = useState(new Date());
	const [sseEvents, setSseEvents] = useState(0);
	const seen = useRef(null);

	function accept(b) {
		if (!b || !b.queues) return;
		const calls = callsOf(b);
		const latest = [...calls].sort((x, y) => Date.parse(y.key.split('@')[1]) - Date.parse(x.key.split('@')[1]))[0] || null;
		if (seen.current === null) {
			// What is on the board when it starts was announced already; the latest of it
			// is the last call shown.
			seen.current = new Set(calls.map((c) => c.key));
			setLast(latest);
		} else {
			// A call that ended (the ticket was put back, transferred, served) no longer sends
			// anyone to that desk: the banner shows the latest call still on, or nothing.
			const on = new Set(calls.map((c) => c.key));
			setLast((l) => (l && !on.has(l.key) ? latest : l));
			const now = Date.now();
			const added = calls.filter((c) => !seen.current.has(c.key));
			if (added.length) {
				setFresh((f) => {
					const n = { ...f };
					for (const c of added) n[c.key] = now;
					return n;
				});
				for (const c of added) {
					seen.current.add(c.key);
					announce(callText(c.code, c.place, lang.get()), lang.get());
				}
				setLast(added[added.length - 1]);
			}
		}
		setBoard(b);
	}

	useEffect(() => live({
		url: '/api/v1/live/board',
		snapshot: async () => accept(await getBoard()),
		onEvent: (name, data) => {
			if (name !== 'board') return;
			setSseEvents((k) => k + 1);
			accept(data);
		},
		onStatus: setState,
		reach: noteReachable,
		pollMs: 2000,
	}), []);

	useEffect(() => {
		const id = setInterval(() => {
			setClock(new Date());
			setFresh((f) => {
				const now = Date.now();
				const keep = Object.fromEntries(Object.entries(f).filter(([, at]) => now - at < HIGHLIGHT_MS));
				return Object.keys(keep).length === Object.keys(f).length ? f : keep;
			});
		}, 1000);
		return () => clearInterval(id);
	}, []);

	// The whole office on one screen: when the queues and desks do not fit, the text (all in
	// rem) shrinks a step at a time until they do. Set through the CSSOM, which the CSP allows.
	const [fit, setFit] = useState(0);
	useLayoutEffect(() => {
		const root = document.documentElement;
		root.style.fontSize = '';
		for (let size = 16; size > 8 && (root.scrollHeight > window.innerHeight || root.scrollWidth > window.innerWidth); size--) {
			root.style.fontSize = `${size - 1}px`;
		}
	}, [board, last, fit, lang.get()]);
	useEffect(() => {
		const again = () => setFit((k) => k + 1);
		window.addEventListener('resize', again);
		return () => {
			window.removeEventListener('resize', again);
			document.documentElement.style.fontSize = '';
		};
	}, []);

	const isFresh = (s) => s && fresh[`${s.ticket_id}@${s.called_date}`];
	// data-transport says how the board hears of changes ("sse", "polling", "reconnecting"),
	// data-sse-events how many boards the event stream brought: people and tests can see
	// that the board follows the server live.
	const transport = state === 'live' ? 'sse' : state || 'connecting';
	const n = board ? board.queues.length : 0;
	return (
		<main class="board" aria-labelledby="b-title" data-transport={transport} data-sse-events={sseEvents}>
			<header class="board-head">
				<h1 id="b-title">{t('board.title')}</h1>
				<div class="board-status">
					{state === 'reconnecting' && <span class="reconnecting" role="status">{t('live.reconnecting')}</span>}
					{state !== 'reconnecting' && <LiveState state={state} />}
					<time class="clock" datetime={clock.toISOString()}>{clock.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })}</time>
					<LangSwitch />
				</div>
			</header>
			<OutageBanner />
			<div class="sr-only" aria-live="assertive" aria-atomic="true">
				{last ? t('board.called', { code: last.code, place: last.place }) : ''}
			</div>
			{!board && <p class="board-empty">{state === 'reconnecting' ? t('live.reconnecting') : t('common.loading')}</p>}
			{board && n === 0 && <p class="board-empty">{t('board.noqueues')}</p>}
			{board && (
				<div class={`board-grid n${Math.min(n, 6)}`}>
					{board.queues.map((q) => {
						const desks = (q.desks || []).filter(Boolean);
						// A ticket called at the queue without a desk is shown beside the desks.
						const loose = looseCall(q);
						return (
							<section class="bq" aria-label={q.name}>
								<h2>{q.name}{q.state === 'paused' && <span class="paused"> · {t('board.paused')}</span>}</h2>
								{desks.length > 0 ? (
									<ul class="bq-desks" aria-label={t('board.desksof', { queue: q.name })}>
										{desks.map((d) => (
											<li class={isFresh(d.serving) ? 'fresh' : ''} data-desk={d.name}>
												{d.serving ? <span class="bd-code">{d.serving.code}</span> : <span class="bd-code idle">{t('board.free')}</span>}
												<span class="bd-arrow" aria-hidden="true">→</span>
												<span class="bd-name">{d.name}</span>
											</li>
										))}
										{loose && (
											<li class={`bd-loose${isFresh(loose) ? ' fresh' : ''}`} data-desk="">
												<span class="bd-code">{loose.code}</span>
												<span class="bd-arrow" aria-hidden="true">→</span>
												<span class="bd-name">{q.name}</span>
											</li>
										)}
									</ul>
								) : (
									<div class={`bq-serving${isFresh(q.serving) ? ' fresh' : ''}`}>
										<span class="label">{t('board.serving')}</span>
										<span class="bq-code">{q.serving ? q.serving.code : '—'}</span>
									</div>
								)}
								<div class="bq-next">
									<span class="label">{t('board.next')}</span>
									{q.next.length > 0 ? (
										<ol aria-label={t('board.nextof', { queue: q.name })}>
											{q.next.map((c) => <li>{c}</li>)}
										</ol>
									) : <p class="bq-none">{t('board.nonext')}</p>}
									<span class="bq-waiting">{t('board.waiting', { n: q.waiting })}</span>
								</div>
							</section>
						);
					})}
				</div>
			)}
			{last && (
				<p class={`board-last${fresh[last.key] ? ' fresh' : ''}`}>
					<span class="label">{t('board.last')}</span>
					<span class="bl-call">
						<span class="bl-code">{last.code}</span>
						<span class="bd-arrow" aria-hidden="true">→</span>
						<span class="bl-place">{last.place}</span>
					</span>
				</p>
			)}
			<SpeechLog />
		</main>
	);
}

// The announcements made, for people using assistive technology and for tests.
function SpeechLog() {
	const [n, setN] = useState(0);
	useEffect(() => {
		const id = setInterval(() => setN(window.turneroSpeechLog.length), 500);
		return () => clearInterval(id);
	}, []);
	return (
		<ol class="sr-only" aria-label={t('board.announcements')} data-count={n}>
			{window.turneroSpeechLog.slice(-20).map((e) => <li lang={e.lang}>{e.text}</li>)}
		</ol>
	);
}
