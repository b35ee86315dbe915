// Shared pieces: navigation, the language switch, problem display and form fields.
import { useEffect, useState } from 'preact/hooks';
import { t, lang, languages, setLang } from './i18n.js';
import { useStore } from './store.js';
import { session, logout, hasPerm } from './api.js';

export const route = { path: location.pathname };
const listeners = new Set();
export function navigate(path, replace = false) {
	if (replace) history.replaceState(null, '', path);
	else history.pushState(null, '', path);
	for (const fn of listeners) fn();
	window.scrollTo(0, 0);
}
window.addEventListener('popstate', () => listeners.forEach((fn) => fn()));
export function usePath() {
	const [p, setP] = useState(location.pathname);
	useEffect(() => {
		const fn = () => setP(location.pathname);
		listeners.add(fn);
		return () => listeners.delete(fn);
	}, []);
	return p;
}

// An in-app link (no reload).
export function Link({ href, children, ...rest }) {
	return (
		<a href={href} {...rest} onClick={(e) => {
			if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
			e.preventDefault();
			navigate(href);
		}}>{children}</a>
	);
}

export function LangSwitch() {
	const l = useStore(lang);
	return (
		<label class="lang">
			<span class="sr-only">{t('common.language')}</span>
			<select aria-label={t('common.language')} value={l} onChange={(e) => setLang(e.currentTarget.value)}>
				{languages.map((x) => <option value={x.code} lang={x.code}>{x.name}</option>)}
			</select>
		</label>
	);
}

// The staff pages' header: what this user may open, language, sign-out.
export function StaffHeader({ title }) {
	const s = useStore(session);
	useStore(lang);
	const me = s.me;
	const items = [
		['/kiosk', 'nav.kiosk', hasPerm(me, 'tickets', 'create')],
		['/counter', 'nav.counter', hasPerm(me, 'tickets', 'update')],
		['/board', 'nav.board', hasPerm(me, 'queues', 'read')],
		['/admin', 'nav.admin', hasPerm(me, 'users', 'read') || hasPerm(me, 'queues', 'update')],
		['/reports', 'nav.reports', hasPerm(me, 'reports', 'read')],
		['/docs', 'nav.docs', true],
	].filter((x) => x[2]);
	return (
		<header class="top">
			<a class="brand" href="/" aria-label="turnero">turnero</a>
			{title && <h1 class="top-title">{title}</h1>}
			<nav aria-label={t('nav.label')}>
				<ul>
					{items.map(([href, key]) => (
						<li>{href === '/docs' ? <a href={href}>{t(key)}</a>
							: <Link href={href} aria-current={location.pathname === href ? 'page' : undefined}>{t(key)}</Link>}</li>
					))}
				</ul>
			</nav>
			<div class="top-end">
				<LangSwitch />
				{me && <span class="who">{me.first_name || me.user_name}</span>}
				{me && <button type="button" class="ghost" onClick={() => { navigate('/login'); logout(); }}>{t('nav.signout')}</button>}
			</div>
		</header>
	);
}

// A problem+json error in words (its detail), for a whole form or page.
export function ErrorBox({ error }) {
	useStore(lang);
	if (!error) return null;
	let text = error.problem?.detail || error.problem?.error_description || error.message;
	if (error.status === 0) text = t('error.network');
	else if (error.status === 403 && !error.problem?.detail) text = t('error.forbidden');
	else if (error.status >= 502) text = t('error.unavailable');
	return <div class="error" role="alert">{text}</div>;
}

export function Notice({ children }) {
	return <div class="notice" role="status">{children}</div>;
}

// A labelled input with its field error next to it (from a 422's errors[]).
export function Field({ label, name, error, value, onInput, type = 'text', required, hint, ...rest }) {
	const id = `f-${name}`;
	return (
		<div class={`field${error ? ' has-error' : ''}`}>
			<label for={id}>{label}</label>
			<input id={id} name={name} type={type} value={value ?? ''} required={required}
				aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-err` : hint ? `${id}-hint` : undefined}
				onInput={(e) => onInput(type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value)} {...rest} />
			{hint && !error && <small id={`${id}-hint`} class="hint">{hint}</small>}
			{error && <small id={`${id}-err`} class="field-error">{error}</small>}
		</div>
	);
}

export function Select({ label, name, value, onChange, options, error, required }) {
	const id = `f-${name}`;
	return (
		<div class={`field${error ? ' has-error' : ''}`}>
			<label for={id}>{label}</label>
			<select id={id} name={name} value={value ?? ''} required={required} aria-invalid={error ? 'true' : undefined}
				aria-describedby={error ? `${id}-err` : undefined}
				onChange={(e) => onChange(e.currentTarget.value)}>
				{options.map((o) => <option value={o.value}>{o.label}</option>)}
			</select>
			{error && <small id={`${id}-err`} class="field-error">{error}</small>}
		</div>
	);
}

// useAsync(fn, deps): {data, error, loading, reload}.
export function useAsync(fn, deps) {
	const [state, setState] = useState({ data: null, error: null, loading: true });
	const [n, setN] = useState(0);
	useEffect(() => {
		let alive = true;
		setState((s) => ({ ...s, loading: true }));
		fn().then((data) => alive && setState({ data, error: null, loading: false }),
			(error) => alive && setState({ data: null, error, loading: false }));
		return () => { alive = false; };
	}, [...deps, n]);
	return { ...state, reload: () => setN((x) => x + 1) };
}

export function StatusBadge({ status }) {
	return <span class={`badge st-${status}`}>{t(`status.${status}`)}</span>;
}

export function LiveState({ state }) {
	useStore(lang);
	if (!state) return null;
	return (
		<span class={`live live-${state}`} role="status">
			{t(`live.${state}`)}
		</span>
	);
}
