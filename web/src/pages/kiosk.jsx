// Reception: find or enter a customer, pick a priority, issue and print a ticket;
// or check in a booked appointment.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { listPriorities, listQueues, findCustomers, issueTicket, listAppointments, checkIn as checkInAppointment } from '../endpoints.js';
import { t, lang, fmtWait, fmtTime, fmtDateTime, prioDescription } from '../i18n.js';
import { useStore } from '../store.js';
import { StaffHeader, ErrorBox, Field, useAsync, useReconnect } from '../ui.jsx';
import { qrDataUrl } from '../qr.js';

const emptyCustomer = { dni: '', first_name: '', last_name: '', phone: '', email: '' };
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
const today = () => new Date().toLocaleDateString('sv'); // YYYY-MM-DD, local

export function Kiosk() {
	useStore(lang);
	const prios = useAsync(() => listPriorities({ state: true, sort: 'level', limit: 100 }), []);
	const queues = useAsync(() => listQueues({ limit: 500 }).then((r) => r.items), []);
	const [query, setQuery] = useState('');
	const [results, setResults] = useState(null);
	const [searchError, setSearchError] = useState(null);
	const [customer, setCustomer] = useState(null); // an existing customer
	const [creating, setCreating] = useState(false);
	const [draft, setDraft] = useState(emptyCustomer);
	const [priority, setPriority] = useState(null);
	const [notify, setNotify] = useState({ email: false, sms: false });
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [ticket, setTicket] = useState(null);
	const [idemKey, setIdemKey] = useState(newKey);
	const [appts, setAppts] = useState(null);

	const queueName = useMemo(() => {
		const m = {};
		for (const q of queues.data || []) m[q.id] = q.name;
		return m;
	}, [queues.data]);
	// The server is back after an outage: load again what failed meanwhile.
	useReconnect(() => {
		if (prios.error) prios.reload();
		if (queues.error) queues.reload();
	});
	const priorities = (prios.data?.items || []).filter((p) => p.state !== false).sort((a, b) => a.level - b.level);
	// A new answer for a new request: any change of input gets a new Idempotency-Key.
	useEffect(() => setIdemKey(newKey()), [customer, draft, priority, notify, creating]);

	async function search(e) {
		e.preventDefault();
		setSearchError(null);
		const q = query.trim();
		if (!q) return;
		try {
			const isDni = /^[0-9.\-\s]+$/.test(q);
			const res = await findCustomers(isDni ? { dni: q.replace(/[.\s-]/g, ''), limit: 20 } : { q, limit: 20 });
			setResults(res.items);
			if (res.items.length === 0) {
				setCreating(true);
				setDraft({ ...emptyCustomer, ...(isDni ? { dni: q.replace(/[.\s-]/g, '') } : {}) });
			}
		} catch (err) {
			setSearchError(err);
		}
	}

	async function pick(c) {
		setCustomer(c);
		setCreating(false);
		setResults(null);
		setAppts(null);
		try {
			const res = await listAppointments({ customer_id: c.id, date: today(), status: 'booked' });
			setAppts(res.items || []);
		} catch (_) {
			setAppts(null); // no appointments on this server, or none readable
		}
	}

	function reset() {
		setTicket(null);
		setCustomer(null);
		setCreating(false);
		setDraft(emptyCustomer);
		setPriority(null);
		setNotify({ email: false, sms: false });
		setQuery('');
		setResults(null);
		setAppts(null);
		setError(null);
	}

	async function issue() {
		setError(null);
		const body = { priority_id: priority };
		if (customer) body.customer_id = customer.id;
		else {
			const c = {};
			for (const [k, v] of Object.entries(draft)) if (v.trim() !== '') c[k] = v.trim();
			body.customer = c;
		}
		const wantEmail = notify.email && contact.email;
		const wantSms = notify.sms && contact.sms;
		if (wantEmail || wantSms) body.notify = { email: wantEmail, sms: wantSms };
		setBusy(true);
		try {
			setTicket(await issueTicket(body, idemKey));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	}

	async function checkIn(a) {
		setError(null);
		setBusy(true);
		try {
			setTicket(await checkInAppointment(a.id));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	}

	const fe = error instanceof ApiError ? error.fields : {};
	const custErr = (k) => fe[`customer.${k}`] || (k === 'dni' ? fe.customer : undefined);
	const canIssue = priority && (customer || (creating && draft.first_name.trim() && draft.last_name.trim()));
	// Email and SMS notices only for a person with that contact (else the API answers 422).
	const who = customer || (creating ? draft : {});
	const contact = { email: !!(who.email || '').trim(), sms: !!(who.phone || '').trim() };
	const notifyError = fe['notify.email'] || fe['notify.sms'] || fe.notify;

	if (ticket) return <Issued ticket={ticket} queueName={queueName[ticket.queue_id]} onDone={reset} />;

	return (
		<>
			<StaffHeader title={t('kiosk.title')} />
			<main class="page kiosk" aria-busy={busy ? 'true' : undefined}>
				<section aria-labelledby="k-who" class="card">
					<h2 id="k-who">1. {t('kiosk.who')}</h2>
					{customer ? (
						<div class="chosen">
							<p><strong>{customer.first_name} {customer.last_name}</strong>{customer.dni && <> · {t('customer.dni')} {customer.dni}</>}</p>
							<button type="button" class="ghost" onClick={() => { setCustomer(null); setAppts(null); }}>{t('kiosk.change')}</button>
						</div>
					) : (
						<>
							<form class="row" role="search" onSubmit={search}>
								<div class="field grow">
									<label for="k-q">{t('kiosk.search')}</label>
									<input id="k-q" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)}
										placeholder={t('kiosk.search.ph')} autocomplete="off" />
								</div>
								<button type="submit" class="primary">{t('kiosk.find')}</button>
								<button type="button" onClick={() => { setCreating(true); setResults(null); }}>{t('kiosk.new')}</button>
							</form>
							<ErrorBox error={searchError} />
							{results && results.length > 0 && (
								<ul class="results" aria-label={t('kiosk.results')}>
									{results.map((c) => (
										<li>
											<span>{c.first_name} {c.last_name}{c.dni ? ` · ${c.dni}` : ''}</span>
											<button type="button" onClick={() => pick(c)} aria-label={t('kiosk.pick', { name: `${c.first_name} ${c.last_name}` })}>{t('kiosk.choose')}</button>
										</li>
									))}
								</ul>
							)}
							{results && results.length === 0 && <p role="status">{t('kiosk.none')}</p>}
							{creating && (
								<fieldset class="grid2">
									<legend>{t('kiosk.newcustomer')}</legend>
									<Field label={t('customer.first_name')} name="first_name" required value={draft.first_name} error={custErr('first_name')} onInput={(v) => setDraft({ ...draft, first_name: v })} autocomplete="off" />
									<Field label={t('customer.last_name')} name="last_name" required value={draft.last_name} error={custErr('last_name')} onInput={(v) => setDraft({ ...draft, last_name: v })} autocomplete="off" />
									<Field label={t('customer.dni')} name="dni" value={draft.dni} error={custErr('dni')} onInput={(v) => setDraft({ ...draft, dni: v })} inputmode="numeric" autocomplete="off" />
									<Field label={t('customer.phone')} name="phone" type="tel" value={draft.phone} error={custErr('phone')} onInput={(v) => setDraft({ ...draft, phone: v })} autocomplete="off" />
									<Field label={t('customer.email')} name="email" type="email" value={draft.email} error={custErr('email')} onInput={(v) => setDraft({ ...draft, email: v })} autocomplete="off" />
								</fieldset>
							)}
						</>
					)}
					{appts && appts.length > 0 && (
						<div class="appts">
							<h3>{t('kiosk.appointments')}</h3>
							<ul>
								{appts.map((a) => (
									<li>
										<span>{fmtTime(a.start)} · {queueName[a.queue_id] || ''}</span>
										<button type="button" class="primary" disabled={busy} onClick={() => checkIn(a)}>{t('kiosk.checkin', { time: fmtTime(a.start) })}</button>
									</li>
								))}
							</ul>
						</div>
					)}
				</section>

				<section aria-labelledby="k-prio" class="card">
					<h2 id="k-prio">2. {t('kiosk.priority')}</h2>
					<ErrorBox error={prios.error} />
					<div class="prio-buttons" role="group" aria-labelledby="k-prio">
						{priorities.map((p) => (
							<button type="button" class={`prio lvl-${Math.min(p.level, 4)}`} aria-pressed={priority === p.id ? 'true' : 'false'}
								onClick={() => setPriority(p.id)}>
								<span class="prio-name">{p.name}</span>
								{p.description && <span class="prio-desc">{prioDescription(p)}</span>}
							</button>
						))}
					</div>
					{fe.priority_id && <p class="field-error">{fe.priority_id}</p>}
				</section>

				<section aria-labelledby="k-notify" class="card">
					<h2 id="k-notify">3. {t('kiosk.notify')}</h2>
					<div class="row">
						<label class="check"><input type="checkbox" checked={notify.email && contact.email} disabled={!contact.email}
							aria-describedby={!contact.email ? 'k-no-email' : undefined}
							onChange={(e) => setNotify({ ...notify, email: e.currentTarget.checked })} /> {t('kiosk.notify.email')}</label>
						<label class="check"><input type="checkbox" checked={notify.sms && contact.sms} disabled={!contact.sms}
							aria-describedby={!contact.sms ? 'k-no-phone' : undefined}
							onChange={(e) => setNotify({ ...notify, sms: e.currentTarget.checked })} /> {t('kiosk.notify.sms')}</label>
					</div>
					{(!contact.email || !contact.sms) && (
						<p class="hint">
							{!contact.email && <span id="k-no-email">{t('kiosk.notify.noemail')} </span>}
							{!contact.sms && <span id="k-no-phone">{t('kiosk.notify.nophone')}</span>}
						</p>
					)}
					{notifyError && <p class="field-error" role="alert">{notifyError}</p>}
				</section>

				<ErrorBox error={error} />
				<button type="button" class="primary huge" disabled={!canIssue || busy} onClick={issue}>{t('kiosk.issue')}</button>
			</main>
		</>
	);
}

// The issued ticket, on screen and as the 80 mm slip that the printer gets.
function Issued({ ticket, queueName, onDone }) {
	useStore(lang);
	const link = `${location.origin}/t/${ticket.id}`;
	const qr = useMemo(() => qrDataUrl(link), [link]);
	const wait = fmtWait(ticket);
	return (
		<>
			<div class="no-print"><StaffHeader title={t('kiosk.title')} /></div>
			<main class="page kiosk issued">
				<section class="card slip" aria-labelledby="slip-code">
					<p class="slip-label">{t('ticket.your')}</p>
					<p id="slip-code" class="slip-code">{ticket.code}</p>
					<dl class="slip-facts">
						<div><dt>{t('ticket.queue')}</dt><dd>{queueName || ticket.queue_name || ''}</dd></div>
						{ticket.position != null && <div><dt>{t('ticket.position')}</dt><dd>{ticket.position}</dd></div>}
						{wait && <div><dt>{t('ticket.wait')}</dt><dd>{wait}</dd></div>}
						<div><dt>{t('ticket.time')}</dt><dd>{fmtDateTime(ticket.created_date)}</dd></div>
					</dl>
					<img class="slip-qr" src={qr} width="132" height="132" alt={t('ticket.qr')} />
					<p class="slip-link">{t('ticket.follow')}</p>
				</section>
				<div class="row no-print">
					<button type="button" class="primary huge" onClick={() => window.print()}>{t('kiosk.print')}</button>
					<button type="button" class="huge" onClick={onDone}>{t('kiosk.next')}</button>
				</div>
				<p class="no-print"><a href={`/t/${ticket.id}`} target="_blank" rel="noopener">{t('kiosk.open')}</a></p>
			</main>
		</>
	);
}
