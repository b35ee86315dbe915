// An attendant's counter: open a desk, call next, recall, serve, no-show, requeue,
// transfer, call out of order; the waiting list in call order, live.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getAll, session, hasPerm, ApiError, noteReachable } from '../api.js';
import { listQueues, listPriorities, listDesks, listTickets, openDesk as openDeskCall, closeDesk as closeDeskCall,
	callNextAtDesk, callNextAtQueue, ticketOp, transferTicket, callTicket, queueOrder } from '../endpoints.js';
import { t, lang, fmtTime } from '../i18n.js';
import { useStore } from '../store.js';
import { StaffHeader, ErrorBox, Notice, LiveState, StatusBadge, useReconnect } from '../ui.jsx';
import { live } from '../live.js';

const QKEY = 'turnero.counter.queue';

// The waiting list as call-next takes it, for servers without GET /queues/{id}/order.
export function localOrder(queue, tickets, prioById, now = Date.now()) {
	const rows = tickets.map((tk) => {
		const p = prioById[tk.priority_id] || { level: 99, max_wait_minutes: 0 };
		const due = Date.parse(tk.due_date || tk.created_date);
		const over = p.max_wait_minutes > 0 ? Math.max(0, Math.floor((now - due) / 1000) - p.max_wait_minutes * 60) : 0;
		return { ticket_id: tk.id, code: tk.code, priority_id: tk.priority_id, level: p.level, due_date: tk.due_date || tk.created_date,
			overdue_seconds: over, at_risk: !!tk.at_risk, _due: due };
	});
	if (queue.policy === 'fifo') rows.sort((a, b) => a._due - b._due);
	else rows.sort((a, b) => (b.overdue_seconds > 0) - (a.overdue_seconds > 0) || (a.overdue_seconds > 0 ? a._due - b._due : 0)
		|| a.level - b.level || a._due - b._due);
	return rows.map((r, i) => ({ ...r, rank: i + 1,
		reason: queue.policy === 'fifo' ? 'arrival' : r.overdue_seconds > 0 ? 'overdue' : (i > 0 && rows[i - 1].level !== r.level) || i === 0 && rows.some((x) => x.level > r.level) ? 'priority' : 'arrival' }));
}

export function Counter() {
	useStore(lang);
	const { me } = useStore(session);
	const [queues, setQueues] = useState(null);
	const [prios, setPrios] = useState({});
	const [queueId, setQueueId] = useState(null);
	const [desks, setDesks] = useState(undefined); // undefined: not loaded; null: this server has no desks
	const [deskChoice, setDeskChoice] = useState('');
	const [current, setCurrent] = useState(null);
	const [order, setOrder] = useState([]);
	const hasOrder = useRef(true);
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);
	const [busy, setBusy] = useState(false);
	const [liveState, setLiveState] = useState(null);
	const [target, setTarget] = useState('');
	const transferRef = useRef(null);

	const queuesRef = useRef(queues);
	queuesRef.current = queues;
	const queue = queues?.find((q) => q.id === queueId) || null;
	const myDesk = desks?.find((d) => d.user_id === me.id && d.queue_id === queueId) || null;
	const canTakeOver = hasPerm(me, 'queues', 'update');

	async function loadQueues() {
		try {
			const [qs, ps] = await Promise.all([listQueues({ limit: 500 }).then((r) => r.items), listPriorities({ limit: 500 })]);
			const open = qs.filter((q) => q.state !== 'closed');
			setQueues(open);
			const m = {};
			for (const p of ps.items) m[p.id] = p;
			setPrios(m);
			let saved = null;
			try { saved = localStorage.getItem(QKEY); } catch (_) { /* storage disabled */ }
			const mine = open.find((q) => q.user_id === me.id);
			setQueueId((mine || open.find((q) => q.id === saved) || open[0] || {}).id || null);
			setError(null);
		} catch (e) {
			setError(e);
		}
	}
	useEffect(() => { loadQueues(); }, []);
	// The server is back after an outage: what failed is loaded again, and the list and the
	// called ticket are read afresh (they may have changed meanwhile).
	useReconnect(() => {
		if (!queuesRef.current) loadQueues();
		else if (queueId && deskRef.current === undefined) loadDesks(queueId).then((d) => { deskRef.current = d; }).then(refreshAll).catch(() => {});
		else refreshAll().catch(() => {});
	});

	async function loadDesks(qid) {
		try {
			const res = await listDesks(qid);
			setDesks(res.items);
			return res.items;
		} catch (e) {
			if (e instanceof ApiError && (e.status === 404 || e.status === 405)) setDesks(null);
			else setError(e);
			return null;
		}
	}

	async function loadCurrent(qid, deskList) {
		const res = await listTickets({ queue_id: qid, status: 'called', sort: '-created_date', limit: 100 });
		const desk = deskList?.find((d) => d.user_id === me.id);
		const mine = res.items.filter((tk) => (desk ? tk.desk_id === desk.id : tk.called_by === me.id))
			.sort((a, b) => Date.parse(b.called_date) - Date.parse(a.called_date));
		setCurrent(mine[0] || null);
	}

	async function loadOrder(qid) {
		const q = queues.find((x) => x.id === qid);
		if (hasOrder.current) {
			try {
				const res = await queueOrder(qid);
				setOrder(res.items);
				return;
			} catch (e) {
				if (!(e instanceof ApiError) || e.status !== 404) throw e;
				hasOrder.current = false;
			}
		}
		const waiting = await getAll(`/tickets?queue_id=${qid}&status=waiting`);
		setOrder(localOrder(q, waiting, prios));
	}

	const deskRef = useRef(desks);
	deskRef.current = desks;
	async function refreshAll() {
		if (!queueId) return;
		await Promise.all([loadOrder(queueId), loadCurrent(queueId, deskRef.current)]);
	}

	useEffect(() => {
		if (!queueId || !queues) return undefined;
		try { localStorage.setItem(QKEY, queueId); } catch (_) { /* storage disabled */ }
		let stop = null;
		let pendingReload = null;
		(async () => {
			const d = await loadDesks(queueId);
			deskRef.current = d;
			const mineFree = d?.find((x) => x.user_id === me.id) || d?.find((x) => !x.user_id);
			setDeskChoice(mineFree ? mineFree.id : '');
			stop = live({
				url: `/api/v1/live/queues/${queueId}`,
				snapshot: refreshAll,
				onEvent: () => {
					clearTimeout(pendingReload);
					pendingReload = setTimeout(() => refreshAll().catch(() => {}), 150);
				},
				onStatus: setLiveState,
				reach: noteReachable,
				pollMs: 3000,
			});
		})();
		return () => {
			clearTimeout(pendingReload);
			if (stop) stop();
		};
	}, [queueId, queues]);

	async function act(fn, okNote) {
		setError(null);
		setNote(null);
		setBusy(true);
		try {
			await fn();
			if (okNote) setNote(okNote);
			await refreshAll().catch(() => {});
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}

	const callNext = () => act(async () => {
		const res = myDesk ? await callNextAtDesk(myDesk.id) : await callNextAtQueue(queueId);
		setCurrent(res || null);
		if (!res) setNote(t('counter.empty'));
	});
	// Each step on the called ticket says in words what became of it.
	const onCurrent = (op) => act(async () => {
		const res = await ticketOp(op, current.id);
		setCurrent(res && res.status === 'called' ? res : null);
	}, t(`counter.done.${op}`, { code: current?.code }));
	const transfer = () => act(async () => {
		await transferTicket(current.id, target);
		setCurrent(null);
		setTarget('');
	}, t('counter.done.transfer', { code: current?.code, queue: queues?.find((q) => q.id === target)?.name || '' }));
	const callOne = (row) => act(async () => {
		const res = await callTicket(row.ticket_id, myDesk ? { queue_id: queueId, desk_id: myDesk.id } : { queue_id: queueId });
		setCurrent(res && res.status === 'called' ? res : null);
	});
	const openDesk = () => act(async () => {
		await openDeskCall(deskChoice);
		const d = await loadDesks(queueId);
		deskRef.current = d;
	});
	const closeDesk = () => act(async () => {
		await closeDeskCall(myDesk.id);
		const d = await loadDesks(queueId);
		deskRef.current = d;
	});

	const mustOpenDesk = desks && desks.length > 0 && !myDesk;
	const actions = [
		{ key: 'n', label: t('counter.next'), run: callNext, enabled: !!queueId && !mustOpenDesk, cls: 'primary' },
		{ key: 'r', label: t('counter.recall'), run: () => onCurrent('recall'), enabled: !!current },
		{ key: 's', label: t('counter.serve'), run: () => onCurrent('serve'), enabled: !!current },
		{ key: 'x', label: t('counter.noshow'), run: () => onCurrent('no-show'), enabled: !!current },
		{ key: 'q', label: t('counter.requeue'), run: () => onCurrent('requeue'), enabled: !!current },
	];
	const keyRef = useRef(actions);
	keyRef.current = { actions, busy };
	useEffect(() => {
		function onKey(e) {
			if (e.ctrlKey || e.metaKey || e.altKey) return;
			const tag = e.target.tagName;
			if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
			const k = e.key.toLowerCase();
			if (k === 't') {
				e.preventDefault();
				transferRef.current?.focus();
				return;
			}
			const a = keyRef.current.actions.find((x) => x.key === k);
			if (a && a.enabled && !keyRef.current.busy) {
				e.preventDefault();
				a.run();
			}
		}
		window.addEventListener('keydown', onKey);
		return () => window.removeEventListener('keydown', onKey);
	}, []);

	// A ticket can go only to a queue that serves its priority (else the API answers 422).
	const others = (queues || []).filter((q) => q.id !== queueId && q.state === 'open'
		&& (!current || !q.priority_ids || q.priority_ids.includes(current.priority_id)));
	return (
		<>
			<StaffHeader title={t('counter.title')} />
			<main class="page counter" aria-busy={busy ? 'true' : undefined} data-transport={liveState === 'live' ? 'sse' : liveState || 'connecting'}>
				<div class="counter-bar card">
					<div class="field">
						<label for="c-queue">{t('counter.queue')}</label>
						<select id="c-queue" value={queueId || ''} onChange={(e) => { setCurrent(null); setQueueId(e.currentTarget.value); }}>
							{(queues || []).map((q) => <option value={q.id}>{q.name} ({q.prefix})</option>)}
						</select>
					</div>
					{desks && desks.length > 0 && (
						myDesk ? (
							<div class="desk-open">
								<p>{t('counter.at', { desk: myDesk.name })}</p>
								<button type="button" onClick={closeDesk} disabled={busy}>{t('counter.closedesk')}</button>
							</div>
						) : (
							<div class="row">
								<div class="field">
									<label for="c-desk">{t('counter.desk')}</label>
									<select id="c-desk" value={deskChoice} onChange={(e) => setDeskChoice(e.currentTarget.value)}>
										{desks.map((d) => (
											<option value={d.id} disabled={!!d.user_id && !canTakeOver}>
												{d.name}{d.user_id ? ` — ${t('counter.taken')}` : ''}
											</option>
										))}
									</select>
								</div>
								<button type="button" class="primary" onClick={openDesk} disabled={busy || !deskChoice}>{t('counter.opendesk')}</button>
							</div>
						)
					)}
					<LiveState state={liveState} />
				</div>
				<ErrorBox error={error} />
				{note && <Notice>{note}</Notice>}
				{queues && queues.length === 0 && <Notice>{t('counter.noqueues')}</Notice>}
				<div class="counter-grid">
					<section class="card now" aria-labelledby="c-now">
						<h2 id="c-now">{t('counter.now')}</h2>
						{current ? (
							<div class="now-ticket">
								<p class="now-code" aria-live="polite">{current.code}</p>
								<p><StatusBadge status={current.status} /> · {prios[current.priority_id]?.name || ''} · {t('counter.calledat', { time: fmtTime(current.called_date) })}
									{current.desk_name && <> · {current.desk_name}</>}</p>
							</div>
						) : <p class="muted">{mustOpenDesk ? t('counter.opendesk.first') : t('counter.none')}</p>}
						<div class="actions">
							{actions.map((a) => (
								<button type="button" class={`act ${a.cls || ''}`} disabled={!a.enabled || busy} onClick={a.run}
									aria-keyshortcuts={a.key.toUpperCase()}>
									{a.label} <kbd aria-hidden="true">{a.key.toUpperCase()}</kbd>
								</button>
							))}
						</div>
						<div class="row transfer">
							<div class="field grow">
								<label for="c-target">{t('counter.transfer.to')} <kbd aria-hidden="true">T</kbd></label>
								<select id="c-target" ref={transferRef} value={target} onChange={(e) => setTarget(e.currentTarget.value)} aria-keyshortcuts="T">
									<option value="">{current && others.length === 0 ? t('counter.transfer.none') : t('counter.transfer.pick')}</option>
									{others.map((q) => <option value={q.id}>{q.name}</option>)}
								</select>
							</div>
							<button type="button" disabled={!current || !target || busy}
								onClick={transfer}>{t('counter.transfer')}</button>
						</div>
					</section>
					<section class="card waiting" aria-labelledby="c-wait">
						<h2 id="c-wait">{t('counter.waiting', { n: order.length })}</h2>
						{order.length === 0 ? <p class="muted">{t('counter.nobody')}</p> : (
							<table>
								<caption class="sr-only">{t('counter.order')}</caption>
								<thead><tr>
									<th scope="col">#</th><th scope="col">{t('ticket.code')}</th><th scope="col">{t('ticket.priority')}</th>
									<th scope="col">{t('counter.reason')}</th><th scope="col">{t('counter.risk')}</th><th scope="col"><span class="sr-only">{t('counter.actions')}</span></th>
								</tr></thead>
								<tbody>
									{order.map((r) => (
										<tr class={r.at_risk ? 'at-risk' : ''}>
											<td>{r.rank}</td>
											<td class="code">{r.code}</td>
											<td>{prios[r.priority_id]?.name || r.level}</td>
											<td>{t(`reason.${r.reason}`)}{r.overdue_seconds > 0 ? ` (+${Math.ceil(r.overdue_seconds / 60)} min)` : ''}</td>
											<td>{r.at_risk ? <span class="badge risk">{t('counter.atrisk')}</span> : '—'}</td>
											<td><button type="button" class="small" disabled={busy || mustOpenDesk} onClick={() => callOne(r)}
												aria-label={t('counter.callthis', { code: r.code })}>{t('counter.call')}</button></td>
										</tr>
									))}
								</tbody>
							</table>
						)}
					</section>
				</div>
			</main>
		</>
	);
}
