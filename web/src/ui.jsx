// Shared pieces: navigation, the language switch, problem display and form fields.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t, lang, languages, setLang } from './i18n.js';
import { useStore } from './store.js';
import { session, logout, hasPerm, reachable, isOutage } from './api.js';

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
		<>
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
		<OutageBanner />
		</>
	);
}

// While the server does not answer: said in words (it goes away by itself when it is back).
export function OutageBanner() {
	useStore(lang);
	const up = useStore(reachable);
	return (
		<div class="outage" role="status" aria-live="polite">
			{!up && <p class="outage-text">{t('error.offline')}</p>}
		</div>
	);
}

// Calls fn each time the server answers again after an outage (to load what failed).
export function useReconnect(fn) {
	const ref = useRef(fn);
	ref.current = fn;
	useEffect(() => {
		let was = reachable.get();
		return reachable.subscribe((up) => {
			if (up && !was) ref.current();
			was = up;
		});
	}, []);
}

// A problem+json error in words (its detail), for a whole form or page.
export function ErrorBox({ error }) {
	useStore(lang);
	const up = useStore(reachable);
	if (!error) return null;
	let text = error.problem?.detail || error.problem?.error_description || error.message;
	// An outage in words: while it lasts, that there is no connection; once the server is
	// back, that it can be tried again (the kiosk's retry returns the ticket a lost answer
	// had issued: the same Idempotency-Key).
	if (isOutage(error)) text = up ? t('error.back') : t('error.network');
	else if (error.status === 403 && !error.problem?.detail) text = t('error.forbidden');
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

// A table wider than the screen scrolls sideways inside this box, which then says so in
// words above it and can be scrolled from the keyboard (it takes the focus).
let scrollIds = 0;
export function ScrollWrap({ children }) {
	useStore(lang);
	const ref = useRef(null);
	const [over, setOver] = useState(false);
	const [id] = useState(() => `scroll-${++scrollIds}`);
	useLayoutEffect(() => {
		const el = ref.current;
		if (!el) return undefined;
		const check = () => setOver(el.scrollWidth > el.clientWidth + 1);
		check();
		const ro = new ResizeObserver(check);
		ro.observe(el);
		if (el.firstElementChild) ro.observe(el.firstElementChild);
		return () => ro.disconnect();
	});
	return (
		<>
			{over && <p class="hint scroll-hint" id={id}>{t('common.scroll')}</p>}
			<div class={`table-wrap${over ? ' scrolls' : ''}`} ref={ref} tabindex={over ? 0 : undefined} aria-describedby={over ? id : undefined}>{children}</div>
		</>
	);
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
