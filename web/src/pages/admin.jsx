// Administration: users, roles and their permissions, priorities, queues with their
// served priorities and schedules, desks, customers with CSV import, webhooks.
import { useEffect, useState } from 'preact/hooks';
import { get, post, call, getAll, ApiError } from '../api.js';
import { t, lang, fmtDateTime } from '../i18n.js';
import { useStore } from '../store.js';
import { StaffHeader, ErrorBox, Notice, Field, useAsync, ScrollWrap } from '../ui.jsx';

const TABS = ['users', 'roles', 'priorities', 'queues', 'desks', 'customers', 'webhooks'];
const MODULES = ['users', 'roles', 'priorities', 'queues', 'customers', 'tickets', 'reports', 'webhooks'];
const ACTIONS = ['create', 'read', 'update', 'delete'];
const EVENTS = ['ticket.created', 'ticket.called', 'ticket.recalled', 'ticket.requeued', 'ticket.served', 'ticket.no_show',
	'ticket.cancelled', 'ticket.transferred', 'ticket.expired', 'appointment.booked', 'appointment.cancelled',
	'appointment.checked_in', 'appointment.no_show'];

const missing = (e) => e instanceof ApiError && (e.status === 404 || e.status === 405);

export function Admin() {
	useStore(lang);
	const initial = TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'users';
	const [tab, setTab] = useState(initial);
	const choose = (k) => { setTab(k); history.replaceState(null, '', `#${k}`); };
	function onKey(e) {
		const i = TABS.indexOf(tab);
		if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
			const n = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
			choose(n);
			document.getElementById(`tab-${n}`)?.focus();
		}
	}
	return (
		<>
			<StaffHeader title={t('admin.title')} />
			<main class="page admin">
				<div role="tablist" aria-label={t('admin.sections')} class="tabs" onKeyDown={onKey}>
					{TABS.map((k) => (
						<button type="button" role="tab" id={`tab-${k}`} aria-selected={tab === k ? 'true' : 'false'} aria-controls="admin-panel"
							tabIndex={tab === k ? 0 : -1} onClick={() => choose(k)}>{t(`admin.${k}`)}</button>
					))}
				</div>
				<section id="admin-panel" role="tabpanel" aria-labelledby={`tab-${tab}`} class="card">
					{tab === 'users' && <Users />}
					{tab === 'roles' && <Roles />}
					{tab === 'priorities' && <Priorities />}
					{tab === 'queues' && <Queues />}
					{tab === 'desks' && <Desks />}
					{tab === 'customers' && <Customers />}
					{tab === 'webhooks' && <Webhooks />}
				</section>
			</main>
		</>
	);
}

// A list with a create/edit form: fields [{name, label, type, options, create, edit}].
function Resource({ path, title, columns, fields, query = '', onSelect, selectedId, extra, transform = (b) => b }) {
	const list = useAsync(() => get(`${path}?limit=200${query}`), [path, query]);
	const blank = Object.fromEntries(fields.map((f) => [f.name, f.type === 'checkbox' ? !!f.default : f.type === 'multi' ? [] : (f.default ?? '')]));
	const [form, setForm] = useState(blank);
	const [editing, setEditing] = useState(null);
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);

	function edit(item) {
		setEditing(item);
		setError(null);
		setForm(Object.fromEntries(fields.map((f) => [f.name, f.type === 'password' ? '' : item[f.name] ?? (f.type === 'multi' ? [] : '')])));
	}
	async function submit(e) {
		e.preventDefault();
		setError(null);
		setNote(null);
		const body = {};
		for (const f of fields) {
			if (editing ? f.edit === false : f.create === false) continue;
			let v = form[f.name];
			if (f.type === 'number') v = v === '' ? undefined : Number(v);
			if (f.type === 'select' && v === '' && f.nullable) v = null;
			if (v === '' || v === undefined) continue;
			if (editing && JSON.stringify(v) === JSON.stringify(editing[f.name])) continue;
			body[f.name] = v;
		}
		try {
			const res = editing ? await call('PATCH', `${path}/${editing.id}`, transform(body)) : await post(path, transform(body));
			setNote(editing ? t('admin.saved') : t('admin.created'));
			if (extra?.onCreated && !editing) extra.onCreated(res);
			setEditing(null);
			setForm(blank);
			list.reload();
		} catch (err) {
			setError(err);
		}
	}
	async function deactivate(item) {
		setError(null);
		try {
			await call('DELETE', `${path}/${item.id}`);
			setNote(t('admin.deactivated'));
			list.reload();
		} catch (err) {
			setError(err);
		}
	}
	if (missing(list.error)) return <Notice>{t('admin.unavailable')}</Notice>;
	const fe = error instanceof ApiError ? error.fields : {};
	return (
		<div class="resource">
			<h2>{title}</h2>
			<ErrorBox error={list.error} />
			{list.data && list.data.items.length === 0 && <p class="muted empty">{t('admin.empty')}</p>}
			{!(list.data && list.data.items.length === 0) && <div class="table-wrap">
				<table class="stack">
					<thead><tr>{columns.map((c) => <th scope="col">{c.label}</th>)}<th scope="col"><span class="sr-only">{t('counter.actions')}</span></th></tr></thead>
					<tbody>
						{(list.data?.items || []).map((item) => (
							<tr class={selectedId === item.id ? 'selected' : ''}>
								{columns.map((c) => <td data-label={c.label}>{c.render ? c.render(item) : String(item[c.key] ?? '')}</td>)}
								<td class="row-actions">
									{onSelect && <button type="button" class="small" onClick={() => onSelect(item)} aria-label={t('admin.open', { name: item.name || item.user_name || item.url || item.last_name })}>{t('admin.details')}</button>}
									<button type="button" class="small" onClick={() => edit(item)} aria-label={t('admin.edit', { name: item.name || item.user_name || item.url || item.last_name })}>{t('admin.editshort')}</button>
									{item.state !== false && item.state !== 'closed' && (
										<button type="button" class="small danger" onClick={() => deactivate(item)} aria-label={t('admin.deactivate', { name: item.name || item.user_name || item.url || item.last_name })}>{t('admin.off')}</button>
									)}
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>}
			{list.data && list.data.items.length > 0 && <p class="muted">{t('admin.total', { n: list.data.total })}</p>}
			<form class="card inner" onSubmit={submit} aria-label={editing ? t('admin.editing') : t('admin.new')}>
				<h3>{editing ? t('admin.editing') : t('admin.new')}</h3>
				<div class="grid3">
					{fields.filter((f) => (editing ? f.edit !== false : f.create !== false)).map((f) => {
						if (f.type === 'select') {
							return (
								<div class={`field${fe[f.name] ? ' has-error' : ''}`}>
									<label for={`a-${f.name}`}>{f.label}</label>
									<select id={`a-${f.name}`} value={form[f.name] ?? ''} onChange={(e) => setForm({ ...form, [f.name]: e.currentTarget.value })}
										aria-invalid={fe[f.name] ? 'true' : undefined} aria-describedby={fe[f.name] ? `a-${f.name}-err` : undefined}>
										{f.options().map((o) => <option value={o.value}>{o.label}</option>)}
									</select>
									{fe[f.name] && <small id={`a-${f.name}-err`} class="field-error">{fe[f.name]}</small>}
								</div>
							);
						}
						if (f.type === 'multi') {
							return (
								<fieldset class={`field${fe[f.name] ? ' has-error' : ''}`} aria-describedby={fe[f.name] ? `a-${f.name}-err` : undefined}>
									<legend>{f.label}</legend>
									{f.options().map((o) => (
										<label class="check"><input type="checkbox" checked={(form[f.name] || []).includes(o.value)}
											onChange={(e) => {
												const cur = new Set(form[f.name] || []);
												if (e.currentTarget.checked) cur.add(o.value);
												else cur.delete(o.value);
												setForm({ ...form, [f.name]: [...cur] });
											}} /> {o.label}</label>
									))}
									{fe[f.name] && <small id={`a-${f.name}-err`} class="field-error">{fe[f.name]}</small>}
								</fieldset>
							);
						}
						if (f.type === 'checkbox') {
							return <label class="check"><input type="checkbox" checked={!!form[f.name]} onChange={(e) => setForm({ ...form, [f.name]: e.currentTarget.checked })} /> {f.label}</label>;
						}
						return <Field label={f.label} name={`${path.slice(1)}-${f.name}`} type={f.type || 'text'} value={form[f.name]} error={fe[f.name]}
							onInput={(v) => setForm({ ...form, [f.name]: v })} autocomplete={f.type === 'password' ? 'new-password' : 'off'} />;
					})}
				</div>
				<ErrorBox error={error} />
				{note && <Notice>{note}</Notice>}
				<div class="row">
					<button type="submit" class="primary">{editing ? t('admin.save') : t('admin.create')}</button>
					{editing && <button type="button" onClick={() => { setEditing(null); setForm(blank); }}>{t('admin.cancel')}</button>}
				</div>
			</form>
		</div>
	);
}

const stateCol = () => ({ label: t('admin.state'), render: (i) => (i.state === true ? t('admin.active') : i.state === false ? t('admin.inactive') : t(`qstate.${i.state}`)) });

function Users() {
	const roles = useAsync(() => getAll('/roles'), []);
	const roleName = (id) => roles.data?.find((r) => r.id === id)?.name || '';
	return (
		<Resource path="/users" title={t('admin.users')}
			columns={[{ key: 'user_name', label: t('user.user_name') }, { label: t('user.name'), render: (u) => `${u.first_name} ${u.last_name}` },
				{ label: t('user.role'), render: (u) => roleName(u.role_id) }, stateCol()]}
			fields={[
				{ name: 'user_name', label: t('user.user_name') },
				{ name: 'first_name', label: t('customer.first_name') },
				{ name: 'last_name', label: t('customer.last_name') },
				{ name: 'role_id', label: t('user.role'), type: 'select', options: () => [{ value: '', label: '—' }, ...(roles.data || []).map((r) => ({ value: r.id, label: r.name }))] },
				{ name: 'password', label: t('login.password'), type: 'password', edit: false },
			]} />
	);
}

function Roles() {
	const [role, setRole] = useState(null);
	return (
		<>
			<Resource path="/roles" title={t('admin.roles')} onSelect={setRole} selectedId={role?.id}
				columns={[{ key: 'name', label: t('admin.name') }, { key: 'description', label: t('admin.description') }, stateCol()]}
				fields={[{ name: 'name', label: t('admin.name') }, { name: 'description', label: t('admin.description') }]} />
			{role && <PermissionMatrix role={role} key={role.id} />}
		</>
	);
}

function PermissionMatrix({ role }) {
	const catalogue = useAsync(() => get('/permissions'), []);
	const [set, setSet] = useState(null);
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);
	useEffect(() => {
		get(`/roles/${role.id}/permissions`).then((r) => setSet(new Set(r.permissions.map((p) => `${p.module}:${p.action}`))), setError);
	}, [role.id]);
	const available = new Set((catalogue.data?.permissions || catalogue.data?.items || []).map((p) => `${p.module}:${p.action}`));
	const modules = MODULES.filter((m) => ACTIONS.some((a) => available.has(`${m}:${a}`)));
	async function save() {
		setError(null);
		setNote(null);
		try {
			const permissions = [...set].map((k) => { const [module, action] = k.split(':'); return { module, action }; });
			await call('PUT', `/roles/${role.id}/permissions`, { permissions });
			setNote(t('admin.saved'));
		} catch (e) {
			setError(e);
		}
	}
	return (
		<section class="card inner" aria-labelledby="pm-h">
			<h3 id="pm-h">{t('admin.permissions', { role: role.name })}</h3>
			<ErrorBox error={error || catalogue.error} />
			{set && (
				<ScrollWrap><table class="matrix">
					<thead><tr><th scope="col">{t('admin.module')}</th>{ACTIONS.map((a) => <th scope="col">{t(`action.${a}`)}</th>)}</tr></thead>
					<tbody>
						{modules.map((m) => (
							<tr>
								<th scope="row">{t(`module.${m}`)}</th>
								{ACTIONS.map((a) => (
									<td>{available.has(`${m}:${a}`) && (
										<input type="checkbox" aria-label={`${t(`module.${m}`)}: ${t(`action.${a}`)}`} checked={set.has(`${m}:${a}`)}
											onChange={(e) => {
												const n = new Set(set);
												if (e.currentTarget.checked) n.add(`${m}:${a}`);
												else n.delete(`${m}:${a}`);
												setSet(n);
											}} />
									)}</td>
								))}
							</tr>
						))}
					</tbody>
				</table></ScrollWrap>
			)}
			{note && <Notice>{note}</Notice>}
			<button type="button" class="primary" onClick={save} disabled={!set}>{t('admin.savepermissions')}</button>
		</section>
	);
}

function Priorities() {
	return (
		<Resource path="/priorities" title={t('admin.priorities')} query="&sort=level"
			columns={[{ key: 'name', label: t('admin.name') }, { key: 'level', label: t('prio.level') },
				{ key: 'max_wait_minutes', label: t('prio.maxwait') }, { key: 'description', label: t('admin.description') }, stateCol()]}
			fields={[{ name: 'name', label: t('admin.name') }, { name: 'level', label: t('prio.level'), type: 'number' },
				{ name: 'max_wait_minutes', label: t('prio.maxwait'), type: 'number' }, { name: 'description', label: t('admin.description') }]} />
	);
}

function Queues() {
	const prios = useAsync(() => getAll('/priorities'), []);
	const users = useAsync(() => getAll('/users').catch(() => []), []);
	const [queue, setQueue] = useState(null);
	const pname = (id) => prios.data?.find((p) => p.id === id)?.name || '?';
	return (
		<>
			<Resource path="/queues" title={t('admin.queues')} onSelect={setQueue} selectedId={queue?.id}
				columns={[{ key: 'name', label: t('admin.name') }, { key: 'prefix', label: t('queue.prefix') }, { label: t('queue.policy'), render: (q) => t(`policy.${q.policy}`) },
					{ label: t('queue.priorities'), render: (q) => q.priority_ids.map(pname).join(', ') }, { key: 'waiting', label: t('queue.waiting') }, stateCol()]}
				fields={[
					{ name: 'name', label: t('admin.name') },
					{ name: 'prefix', label: t('queue.prefix') },
					{ name: 'policy', label: t('queue.policy'), type: 'select', default: 'priority', options: () => [{ value: 'priority', label: t('policy.priority') }, { value: 'fifo', label: t('policy.fifo') }] },
					{ name: 'state', label: t('admin.state'), type: 'select', create: false, options: () => ['open', 'paused', 'closed'].map((s) => ({ value: s, label: t(`qstate.${s}`) })) },
					{ name: 'user_id', label: t('queue.attendant'), type: 'select', nullable: true, options: () => [{ value: '', label: '—' }, ...(users.data || []).map((u) => ({ value: u.id, label: u.user_name }))] },
					{ name: 'priority_ids', label: t('queue.priorities'), type: 'multi', options: () => (prios.data || []).map((p) => ({ value: p.id, label: p.name })) },
				]} />
			{queue && <Schedule queue={queue} key={queue.id} />}
		</>
	);
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];
function Schedule({ queue }) {
	const [s, setS] = useState(null);
	const [error, setError] = useState(null);
	const [note, setNote] = useState(null);
	const [closed, setClosed] = useState('');
	useEffect(() => {
		get(`/queues/${queue.id}/schedule`).then((r) => { setS(r); setClosed((r.closed_dates || []).join(', ')); }, setError);
	}, [queue.id]);
	if (missing(error)) return <Notice>{t('admin.schedule.unavailable')}</Notice>;
	async function save() {
		setError(null);
		setNote(null);
		const body = {
			slot_minutes: Number(s.slot_minutes), capacity: Number(s.capacity), weeks_ahead: Number(s.weeks_ahead),
			late_grace_minutes: Number(s.late_grace_minutes), hours: s.hours,
			closed_dates: closed.split(/[\s,]+/).filter(Boolean),
		};
		try {
			setS(await call('PUT', `/queues/${queue.id}/schedule`, body));
			setNote(t('admin.saved'));
		} catch (e) {
			setError(e);
		}
	}
	const fe = error instanceof ApiError ? error.fields : {};
	const num = (k) => <Field label={t(`sched.${k}`)} name={`s-${k}`} type="number" value={s[k]} error={fe[k]} onInput={(v) => setS({ ...s, [k]: v })} />;
	return (
		<section class="card inner" aria-labelledby="sc-h">
			<h3 id="sc-h">{t('admin.schedule', { queue: queue.name })}</h3>
			<ErrorBox error={error} />
			{s && (
				<>
					<div class="grid3">{num('slot_minutes')}{num('capacity')}{num('weeks_ahead')}{num('late_grace_minutes')}</div>
					<p class="muted">{t('sched.timezone', { tz: s.timezone || '' })}</p>
					{s.hours.length === 0 && <p class="muted empty">{t('sched.nohours')}</p>}
					{s.hours.length > 0 && <table class="stack">
						<thead><tr><th scope="col">{t('sched.weekday')}</th><th scope="col">{t('sched.from')}</th><th scope="col">{t('sched.to')}</th><th scope="col"><span class="sr-only">{t('counter.actions')}</span></th></tr></thead>
						<tbody>
							{s.hours.map((h, i) => {
								const upd = (k, v) => setS({ ...s, hours: s.hours.map((x, j) => (j === i ? { ...x, [k]: k === 'weekday' ? Number(v) : v } : x)) });
								return (
									<tr>
										<td data-label={t('sched.weekday')}><select aria-label={t('sched.rowfield', { n: i + 1, field: t('sched.weekday') })} value={h.weekday} onChange={(e) => upd('weekday', e.currentTarget.value)}>
											{WEEKDAYS.map((d) => <option value={d}>{t(`day.${d}`)}</option>)}
										</select></td>
										<td data-label={t('sched.from')}><input type="time" aria-label={t('sched.rowfield', { n: i + 1, field: t('sched.from') })} value={h.from} onInput={(e) => upd('from', e.currentTarget.value)} /></td>
										<td data-label={t('sched.to')}><input type="time" aria-label={t('sched.rowfield', { n: i + 1, field: t('sched.to') })} value={h.to} onInput={(e) => upd('to', e.currentTarget.value)} /></td>
										<td class="row-actions"><button type="button" class="small" aria-label={t('sched.removerow', { n: i + 1 })} onClick={() => setS({ ...s, hours: s.hours.filter((_, j) => j !== i) })}>{t('sched.remove')}</button></td>
									</tr>
								);
							})}
						</tbody>
					</table>}
					{fe.hours && <p class="field-error">{fe.hours}</p>}
					<button type="button" onClick={() => setS({ ...s, hours: [...s.hours, { weekday: 1, from: '09:00', to: '13:00' }] })}>{t('sched.add')}</button>
					<Field label={t('sched.closed')} name="s-closed" value={closed} error={fe.closed_dates} onInput={setClosed} hint="2025-12-25, 2026-01-01" />
					{note && <Notice>{note}</Notice>}
					<button type="button" class="primary" onClick={save}>{t('admin.saveschedule')}</button>
				</>
			)}
		</section>
	);
}

function Desks() {
	const queues = useAsync(() => getAll('/queues'), []);
	const users = useAsync(() => getAll('/users').catch(() => []), []);
	const qname = (id) => queues.data?.find((q) => q.id === id)?.name || '';
	const uname = (id) => users.data?.find((u) => u.id === id)?.user_name || (id ? '…' : '—');
	return (
		<Resource path="/desks" title={t('admin.desks')}
			columns={[{ key: 'name', label: t('admin.name') }, { label: t('desk.queue'), render: (d) => qname(d.queue_id) },
				{ label: t('desk.user'), render: (d) => uname(d.user_id) }, stateCol()]}
			fields={[{ name: 'name', label: t('admin.name') },
				{ name: 'queue_id', label: t('desk.queue'), type: 'select', options: () => [{ value: '', label: '—' }, ...(queues.data || []).map((q) => ({ value: q.id, label: q.name }))] }]} />
	);
}

function Customers() {
	const [q, setQ] = useState('');
	const [applied, setApplied] = useState('');
	const [result, setResult] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	async function importFile(e) {
		e.preventDefault();
		const file = e.currentTarget.elements.csv.files[0];
		if (!file) return;
		setError(null);
		setResult(null);
		setBusy(true);
		try {
			setResult(await post('/customers/import', file, { headers: { 'Content-Type': 'text/csv' } }));
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	}
	return (
		<>
			<form class="row" role="search" onSubmit={(e) => { e.preventDefault(); setApplied(q.trim()); }}>
				<div class="field grow">
					<label for="cu-q">{t('admin.customers.search')}</label>
					<input id="cu-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
				</div>
				<button type="submit">{t('kiosk.find')}</button>
			</form>
			<Resource path="/customers" title={t('admin.customers')} query={`&sort=last_name${applied ? `&q=${encodeURIComponent(applied)}` : ''}`}
				columns={[{ key: 'dni', label: t('customer.dni') }, { key: 'first_name', label: t('customer.first_name') }, { key: 'last_name', label: t('customer.last_name') },
					{ key: 'phone', label: t('customer.phone') }, { key: 'email', label: t('customer.email') }, stateCol()]}
				fields={['dni', 'first_name', 'last_name', 'phone', 'email'].map((k) => ({ name: k, label: t(`customer.${k}`), type: k === 'email' ? 'email' : 'text' }))} />
			<form class="card inner" onSubmit={importFile} aria-labelledby="imp-h">
				<h3 id="imp-h">{t('import.title')}</h3>
				<p class="hint">{t('import.hint')}</p>
				<div class="field">
					<label for="imp-file">{t('import.file')}</label>
					<input id="imp-file" name="csv" type="file" accept=".csv,text/csv" />
				</div>
				<button type="submit" class="primary" disabled={busy}>{t('import.go')}</button>
				<ErrorBox error={error} />
				{result && (
					<div role="status">
						<p>{t('import.result', { inserted: result.inserted, updated: result.updated, failed: result.failed })}</p>
						{result.errors.length > 0 && (
							<table>
								<caption>{t('import.errors')}</caption>
								<thead><tr><th scope="col">{t('import.line')}</th><th scope="col">{t('import.message')}</th></tr></thead>
								<tbody>{result.errors.map((e) => <tr><td>{e.line}</td><td>{e.message}</td></tr>)}</tbody>
							</table>
						)}
					</div>
				)}
			</form>
		</>
	);
}

function Webhooks() {
	const [hook, setHook] = useState(null);
	const [secret, setSecret] = useState(null);
	return (
		<>
			{secret && <Notice>{t('hook.secret')} <code>{secret}</code></Notice>}
			<Resource path="/webhooks" title={t('admin.webhooks')} onSelect={setHook} selectedId={hook?.id}
				extra={{ onCreated: (w) => setSecret(w?.secret || null) }}
				columns={[{ key: 'url', label: 'URL' }, { label: t('hook.events'), render: (w) => w.events.join(', ') }, { key: 'description', label: t('admin.description') }, stateCol()]}
				fields={[{ name: 'url', label: 'URL', type: 'url' }, { name: 'events', label: t('hook.events'), type: 'multi', options: () => [{ value: '*', label: t('hook.all') }, ...EVENTS.map((e) => ({ value: e, label: e }))] },
					{ name: 'description', label: t('admin.description') }]} />
			{hook && <Deliveries hook={hook} key={hook.id} />}
		</>
	);
}

function Deliveries({ hook }) {
	const list = useAsync(() => get(`/webhooks/${hook.id}/deliveries?limit=50`), [hook.id]);
	const [error, setError] = useState(null);
	const retry = async (d) => {
		setError(null);
		try { await post(`/webhooks/${hook.id}/deliveries/${d.id}/retry`); list.reload(); } catch (e) { setError(e); }
	};
	const test = async () => {
		setError(null);
		try { await post(`/webhooks/${hook.id}/test`); setTimeout(list.reload, 1500); } catch (e) { setError(e); }
	};
	return (
		<section class="card inner" aria-labelledby="dl-h">
			<h3 id="dl-h">{t('hook.deliveries', { url: hook.url })}</h3>
			<ErrorBox error={error || list.error} />
			<div class="row"><button type="button" onClick={test}>{t('hook.test')}</button><button type="button" onClick={list.reload}>{t('hook.reload')}</button></div>
			{list.data && list.data.items.length === 0 && <p class="muted empty">{t('hook.none')}</p>}
			{list.data && list.data.items.length > 0 && <table class="stack">
				<thead><tr><th scope="col">{t('hook.type')}</th><th scope="col">{t('admin.state')}</th><th scope="col">{t('hook.attempts')}</th>
					<th scope="col">{t('hook.last')}</th><th scope="col">{t('hook.when')}</th><th scope="col"><span class="sr-only">{t('counter.actions')}</span></th></tr></thead>
				<tbody>
					{(list.data?.items || []).map((d) => (
						<tr>
							<td data-label={t('hook.type')}>{d.type}</td><td data-label={t('admin.state')}>{t(`delivery.${d.status}`)}</td><td data-label={t('hook.attempts')}>{d.attempts}</td>
							<td data-label={t('hook.last')}>{d.last_status_code || ''} {d.last_error || ''}</td><td data-label={t('hook.when')}>{fmtDateTime(d.created_date)}</td>
							<td class="row-actions"><button type="button" class="small" onClick={() => retry(d)}>{t('hook.retry')}</button></td>
						</tr>
					))}
				</tbody>
			</table>}
		</section>
	);
}
