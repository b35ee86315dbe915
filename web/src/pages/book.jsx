// Public booking: a queue, a day, a free slot, name and contact; the confirmation
// at /book/{id} shows the appointment with a cancel button.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { publicQueues, availability, book, publicAppointment, cancelPublicAppointment } from '../endpoints.js';
import { t, lang, locale } from '../i18n.js';
import { useStore } from '../store.js';
import { LangSwitch, ErrorBox, Field, navigate } from '../ui.jsx';

const dayOf = (d) => d.toLocaleDateString('sv');

function Shell({ children }) {
	return (
		<main class="page phone book" aria-labelledby="bk-title">
			<div class="phone-head">
				<span class="brand">turnero</span>
				<LangSwitch />
			</div>
			<h1 id="bk-title">{t('book.title')}</h1>
			{children}
		</main>
	);
}

export function Book({ id }) {
	useStore(lang);
	return id ? <Appointment id={id} /> : <NewBooking />;
}

// The days shown as buttons from the chosen start (one availability request; the API
// allows up to 31), and the parts of a day the free times are grouped into.
const WINDOW = 14;
const PARTS = [['morning', 0, 12], ['afternoon', 12, 19], ['evening', 19, 24]];

// YYYY-MM-DD plus n days (calendar arithmetic, no time zone involved).
function addDays(ymd, n) {
	const d = new Date(`${ymd}T12:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}
// Service days and times are the queue's (availability names its time zone), wherever
// the phone is.
const dayIn = (iso, tz) => new Date(iso).toLocaleDateString('sv', { timeZone: tz });
const hourIn = (iso, tz) => Number(new Date(iso).toLocaleTimeString('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).slice(0, 2));
const timeIn = (iso, tz) => new Date(iso).toLocaleTimeString(locale(), { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const localZone = () => { try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (_) { return ''; } };
const dayLabel = (ymd, opts) => new Date(`${ymd}T12:00:00Z`).toLocaleDateString(locale(), { timeZone: 'UTC', ...opts });

function NewBooking() {
	const [queues, setQueues] = useState(null);
	const [unavailable, setUnavailable] = useState(false);
	const [queueId, setQueueId] = useState('');
	// The phone's today; the queue's may be a day off (another time zone), so the window
	// starts the day before and shows the days from the queue's today on.
	const local = dayOf(new Date());
	const [from, setFrom] = useState(addDays(local, -1)); // first day of the loaded window
	const [day, setDay] = useState(local);
	const [picked, setPicked] = useState(false); // the person chose a day (else: the first with room)
	const [av, setAv] = useState(null); // {timezone, slots} of the window
	const [part, setPart] = useState(null);
	const [slot, setSlot] = useState(null);
	const [who, setWho] = useState({ first_name: '', last_name: '', dni: '', email: '', phone: '' });
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	useEffect(() => {
		publicQueues().then((r) => {
			setQueues(r.items);
			if (r.items.length) setQueueId(r.items[0].id);
		}, (e) => {
			if (e instanceof ApiError && e.status === 404) setUnavailable(true);
			else setError(e);
		});
	}, []);

	useEffect(() => {
		if (!queueId || !from) return;
		let gone = false;
		setAv(null);
		availability(queueId, from, addDays(from, WINDOW - 1))
			.then((r) => { if (!gone) setAv(r); }, (e) => { if (!gone) setError(e); });
		return () => { gone = true; };
	}, [queueId, from]);

	const tz = av?.timezone || 'UTC';
	const today = av ? dayIn(new Date().toISOString(), tz) : local;
	// Every day of the window: its free times and whether it is open, full or has no times.
	const days = [];
	if (av) {
		const byDay = new Map();
		for (const s of av.slots) {
			const d = dayIn(s.start, tz);
			if (!byDay.has(d)) byDay.set(d, []);
			byDay.get(d).push(s);
		}
		for (let i = 0; i < WINDOW; i++) {
			const d = addDays(from, i);
			if (d < today) continue;
			const all = byDay.get(d) || [];
			const free = all.filter((s) => s.free > 0);
			days.push({ day: d, free, state: free.length ? 'open' : all.length ? 'full' : 'none' });
		}
	}
	const current = days.find((d) => d.day === day);
	const nextOpen = days.find((d) => d.day > day && d.state === 'open');
	const parts = current ? PARTS.map(([name, lo, hi]) => ({ name, slots: current.free.filter((s) => { const h = hourIn(s.start, tz); return h >= lo && h < hi; }) }))
		.filter((p) => p.slots.length) : [];
	const shownPart = parts.find((p) => p.name === part) || parts[0];

	// Until the person picks a day, the first day with room is chosen for them.
	useEffect(() => {
		if (!av || picked) return;
		const first = days.find((d) => d.state === 'open');
		if (first && first.day !== day) setDay(first.day);
	}, [av]);

	function pickDay(d) {
		setPicked(true);
		setSlot(null);
		setPart(null);
		setDay(d);
		if (d && (d < from || d > addDays(from, WINDOW - 1))) setFrom(d);
	}
	function pickQueue(id) {
		setQueueId(id);
		setSlot(null);
		setPart(null);
	}

	async function submit(e) {
		e.preventDefault();
		setError(null);
		const customer = {};
		for (const [k, v] of Object.entries(who)) if (v.trim()) customer[k] = v.trim();
		setBusy(true);
		try {
			const a = await book({ queue_id: queueId, start: slot.start, customer });
			navigate(`/book/${a.id}`);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	}

	if (unavailable) return <Shell><p role="status">{t('book.unavailable')}</p></Shell>;
	const fe = error instanceof ApiError ? error.fields : {};
	const cf = (k) => fe[`customer.${k}`];
	const when = slot && `${dayLabel(dayIn(slot.start, tz), { weekday: 'long', day: 'numeric', month: 'long' })}, ${timeIn(slot.start, tz)}`;
	return (
		<Shell>
			<ErrorBox error={error} />
			{queues && queues.length === 0 && <p role="status">{t('book.noqueues')}</p>}
			{queues && queues.length > 0 && (
				<form onSubmit={submit}>
					<div class="field">
						<label for="bk-queue">{t('book.queue')}</label>
						<select id="bk-queue" value={queueId} onChange={(e) => pickQueue(e.currentTarget.value)}>
							{queues.map((q) => <option value={q.id}>{q.name}</option>)}
						</select>
					</div>
					<fieldset class="bk-days">
						<legend>{t('book.date')}</legend>
						{!av && <p aria-busy="true">{t('common.loading')}</p>}
						{av && localZone() !== tz && <p class="hint">{t('book.zone', { zone: tz })}</p>}
						{av && (
							<div class="day-chips">
								{days.map((d) => (
									<label class={`chip day ${d.state}`} data-day={d.day}>
										<input type="radio" name="bk-day" value={d.day} checked={d.day === day} onChange={() => pickDay(d.day)} />
										<span class="chip-top">{d.day === today ? t('book.today') : dayLabel(d.day, { weekday: 'short' })}</span>
										<span class="chip-main">{dayLabel(d.day, { day: 'numeric', month: 'short' })}</span>
										<span class="chip-sub">{d.state === 'open' ? t('book.free', { n: d.free.length }) : t(`book.${d.state}`)}</span>
									</label>
								))}
							</div>
						)}
						<Field label={t('book.day')} name="day" type="date" value={day} min={today} onInput={pickDay} />
					</fieldset>
					<fieldset class="bk-slots">
						<legend>{t('book.slot')}</legend>
						{fe.start && <p class="field-error">{fe.start}</p>}
						{av && current && current.state !== 'open' && (
							<div class="bk-empty" role="status">
								<p>{t(current.state === 'full' ? 'book.fullday' : 'book.noneday')}</p>
								{nextOpen && (
									<button type="button" onClick={() => pickDay(nextOpen.day)}>
										{t('book.nextfree', { day: dayLabel(nextOpen.day, { weekday: 'long', day: 'numeric', month: 'long' }) })}
									</button>
								)}
							</div>
						)}
						{parts.length > 0 && (
							<>
								<fieldset class="bk-parts">
									<legend class="sr-only">{t('book.part')}</legend>
									{parts.map((p) => (
										<label class="chip part">
											<input type="radio" name="bk-part" value={p.name} checked={p === shownPart} onChange={() => setPart(p.name)} />
											<span>{t(`book.part.${p.name}`)}</span> <span class="chip-sub">({p.slots.length})</span>
										</label>
									))}
								</fieldset>
								<div class="slots" role="radiogroup" aria-label={t('book.slotsof', { part: t(`book.part.${shownPart.name}`) })}>
									{shownPart.slots.map((s) => (
										<label class="chip slot">
											<input type="radio" name="bk-slot" value={s.start} checked={slot?.start === s.start} onChange={() => setSlot(s)} />
											<span>{timeIn(s.start, tz)}</span>
										</label>
									))}
								</div>
							</>
						)}
					</fieldset>
					{slot && (
						<>
							<p class="bk-chosen" role="status">{t('book.chosen', { when })}</p>
							<fieldset class="grid2">
								<legend>{t('book.you')}</legend>
								<Field label={t('customer.first_name')} name="first_name" required value={who.first_name} error={cf('first_name')} onInput={(v) => setWho({ ...who, first_name: v })} autocomplete="given-name" />
								<Field label={t('customer.last_name')} name="last_name" required value={who.last_name} error={cf('last_name')} onInput={(v) => setWho({ ...who, last_name: v })} autocomplete="family-name" />
								<Field label={t('customer.dni')} name="dni" value={who.dni} error={cf('dni')} onInput={(v) => setWho({ ...who, dni: v })} />
								<Field label={t('customer.email')} name="email" type="email" value={who.email} error={cf('email')} onInput={(v) => setWho({ ...who, email: v })} autocomplete="email" />
								<Field label={t('customer.phone')} name="phone" type="tel" value={who.phone} error={cf('phone')} onInput={(v) => setWho({ ...who, phone: v })} autocomplete="tel" />
								<p class="hint">{t('book.contact')}</p>
								{fe.customer && <p class="field-error">{fe.customer}</p>}
							</fieldset>
						</>
					)}
					<button type="submit" class="primary huge" disabled={!slot || busy}>{t('book.confirm')}</button>
					{!slot && <p class="hint">{t('book.pickfirst')}</p>}
				</form>
			)}
		</Shell>
	);
}

function Appointment({ id }) {
	const [a, setA] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const load = () => publicAppointment(id).then(setA, setError);
	useEffect(() => { load(); }, [id]);
	async function cancel() {
		setBusy(true);
		setError(null);
		try {
			setA(await cancelPublicAppointment(id) || { ...a, status: 'cancelled' });
			await load();
		} catch (e) {
			setError(e);
		} finally {
			setBusy(false);
		}
	}
	// The queue's time (the answer names its zone), like the slot picker, wherever the phone is.
	const tz = a?.timezone || undefined;
	const when = a && new Date(a.start).toLocaleString(locale(), { dateStyle: 'full', timeStyle: 'short', hourCycle: 'h23', timeZone: tz });
	return (
		<Shell>
			<ErrorBox error={error} />
			{a && (
				<section class="card" aria-labelledby="ap-h">
					<h2 id="ap-h">{a.status === 'cancelled' ? t('book.cancelled') : t('book.booked')}</h2>
					<dl class="facts">
						<div><dt>{t('book.queue')}</dt><dd>{a.queue_name}</dd></div>
						<div><dt>{t('book.when')}</dt><dd class="ap-when">{when}</dd></div>
						<div><dt>{t('book.status')}</dt><dd>{t(`appt.${a.status}`)}</dd></div>
					</dl>
					{tz && localZone() !== tz && <p class="hint">{t('book.zone', { zone: tz })}</p>}
					{a.status === 'booked' && (
						<>
							<p class="hint">{t('book.keep')}</p>
							<button type="button" class="danger" disabled={busy} onClick={cancel}>{t('book.cancel')}</button>
						</>
					)}
				</section>
			)}
			<p><a href="/book">{t('book.another')}</a></p>
		</Shell>
	);
}
