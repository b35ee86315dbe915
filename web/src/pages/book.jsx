// Public booking: a queue, a day, a free slot, name and contact; the confirmation
// at /book/{id} shows the appointment with a cancel button.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { publicQueues, availability, book, publicAppointment, cancelPublicAppointment } from '../endpoints.js';
import { t, lang, locale, fmtTime } from '../i18n.js';
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

function NewBooking() {
	const [queues, setQueues] = useState(null);
	const [unavailable, setUnavailable] = useState(false);
	const [queueId, setQueueId] = useState('');
	const [day, setDay] = useState(dayOf(new Date()));
	const [slots, setSlots] = useState(null);
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
		if (!queueId || !day) return;
		setSlots(null);
		setSlot(null);
		availability(queueId, day, day)
			.then((r) => setSlots(r.slots), (e) => setError(e));
	}, [queueId, day]);

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
	return (
		<Shell>
			<ErrorBox error={error} />
			{queues && queues.length === 0 && <p role="status">{t('book.noqueues')}</p>}
			{queues && queues.length > 0 && (
				<form onSubmit={submit}>
					<div class="field">
						<label for="bk-queue">{t('book.queue')}</label>
						<select id="bk-queue" value={queueId} onChange={(e) => setQueueId(e.currentTarget.value)}>
							{queues.map((q) => <option value={q.id}>{q.name}</option>)}
						</select>
					</div>
					<Field label={t('book.day')} name="day" type="date" value={day} min={dayOf(new Date())} onInput={setDay} required />
					<fieldset>
						<legend>{t('book.slot')}</legend>
						{fe.start && <p class="field-error">{fe.start}</p>}
						{slots === null && <p aria-busy="true">{t('common.loading')}</p>}
						{slots && slots.filter((s) => s.free > 0).length === 0 && <p role="status">{t('book.noslots')}</p>}
						<div class="slots">
							{(slots || []).filter((s) => s.free > 0).map((s) => (
								<button type="button" class="slot" aria-pressed={slot?.start === s.start ? 'true' : 'false'} onClick={() => setSlot(s)}>
									{fmtTime(s.start)}
								</button>
							))}
						</div>
					</fieldset>
					{slot && (
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
					)}
					<button type="submit" class="primary huge" disabled={!slot || busy}>{t('book.confirm')}</button>
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
	const when = a && new Date(a.start).toLocaleString(locale(), { dateStyle: 'full', timeStyle: 'short', hourCycle: 'h23' });
	return (
		<Shell>
			<ErrorBox error={error} />
			{a && (
				<section class="card" aria-labelledby="ap-h">
					<h2 id="ap-h">{a.status === 'cancelled' ? t('book.cancelled') : t('book.booked')}</h2>
					<dl class="facts">
						<div><dt>{t('book.queue')}</dt><dd>{a.queue_name}</dd></div>
						<div><dt>{t('book.when')}</dt><dd>{when}</dd></div>
						<div><dt>{t('book.status')}</dt><dd>{t(`appt.${a.status}`)}</dd></div>
					</dl>
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
