// A customer's ticket on their phone: code, status, position and wait, live.
// Public (the random id is the capability); nothing about the person is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { publicTicket } from '../endpoints.js';
import { t, lang, fmtWait } from '../i18n.js';
import { useStore } from '../store.js';
import { LangSwitch, LiveState } from '../ui.jsx';
import { live } from '../live.js';

export function TicketPage({ id }) {
	useStore(lang);
	const [tk, setTk] = useState(null);
	const [error, setError] = useState(null);
	const [state, setState] = useState(null);
	const prev = useRef(null);

	useEffect(() => live({
		url: `/api/v1/public/live/tickets/${encodeURIComponent(id)}`,
		auth: false,
		snapshot: async () => {
			try {
				const v = await publicTicket(id);
				setTk(v);
				setError(null);
			} catch (e) {
				if (e instanceof ApiError && (e.status === 404 || e.status === 422)) setError(e);
				throw e;
			}
		},
		onEvent: (name, data) => { if (name === 'ticket' && data && data.code) setTk(data); },
		onStatus: setState,
		pollMs: 4000,
	}), [id]);

	useEffect(() => {
		// A vibration when the ticket is called, on phones that can.
		if (tk && tk.status === 'called' && prev.current && prev.current !== 'called' && navigator.vibrate) navigator.vibrate([300, 100, 300]);
		if (tk) prev.current = tk.status;
	}, [tk?.status]);

	const wait = tk && tk.status === 'waiting' ? fmtWait(tk) : '';
	return (
		<main class="page phone" aria-labelledby="tk-title" data-transport={state === 'live' ? 'sse' : state || 'connecting'}>
			<div class="phone-head">
				<span class="brand">turnero</span>
				<LangSwitch />
			</div>
			<h1 id="tk-title" class="sr-only">{t('title.t')}</h1>
			{error && <div class="error" role="alert">{t('ticket.unknown')}</div>}
			{!tk && !error && <p aria-busy="true">{t('common.loading')}</p>}
			{tk && (
				<section class={`tk tk-${tk.status}`} aria-live="polite">
					<p class="tk-label">{t('ticket.your')}</p>
					<p class="tk-code">{tk.code}</p>
					<p class="tk-queue">{tk.queue_name}</p>
					<p class="tk-status" role="status">
						{tk.status === 'called'
							? (tk.desk_name ? t('ticket.called.desk', { desk: tk.desk_name }) : t('ticket.called', { queue: tk.queue_name }))
							: t(`ticket.st.${tk.status}`)}
					</p>
					{tk.status === 'called' && (
						// Where to go, large enough to read at arm's length: the desk, or the queue
						// for a call without a desk.
						<p class="tk-where" data-where={tk.desk_name || tk.queue_name}><strong>{tk.desk_name || tk.queue_name}</strong></p>
					)}
					{/* First in line: "0 people ahead" beside a wait of some minutes reads as a
					    contradiction (the wait is the desk finishing its current service). */}
					{tk.status === 'waiting' && tk.position === 1 && <p class="tk-next">{t('ticket.next')}</p>}
					{tk.status === 'waiting' && (
						<dl class="tk-facts">
							{tk.position > 1 && <div><dt>{t('ticket.ahead')}</dt><dd>{tk.position - 1}</dd></div>}
							{wait && <div><dt>{t('ticket.wait')}</dt><dd>{wait}</dd></div>}
						</dl>
					)}
				</section>
			)}
			<p class="tk-foot"><LiveState state={state} /></p>
		</main>
	);
}
