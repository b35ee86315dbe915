// Spanish, English and Portuguese. The language comes from the browser
// (navigator.languages), can be switched on every page and is kept in localStorage.
import es from './i18n/es.json';
import en from './i18n/en.json';
import pt from './i18n/pt.json';
import { store } from './store.js';

export const dictionaries = { es, en, pt };
export const languages = [
	{ code: 'es', name: 'Español' },
	{ code: 'en', name: 'English' },
	{ code: 'pt', name: 'Português' },
];
const KEY = 'turnero.lang';

function initial() {
	try {
		const saved = localStorage.getItem(KEY);
		if (saved && dictionaries[saved]) return saved;
	} catch (_) { /* storage disabled */ }
	for (const l of navigator.languages || [navigator.language || 'es']) {
		const base = String(l).slice(0, 2).toLowerCase();
		if (dictionaries[base]) return base;
	}
	return 'es';
}

export const lang = store(initial());
document.documentElement.lang = lang.get();

export function setLang(code) {
	if (!dictionaries[code]) return;
	try { localStorage.setItem(KEY, code); } catch (_) { /* storage disabled */ }
	document.documentElement.lang = code;
	lang.set(code);
}

// t('kiosk.issued', {code: 'A-001'}): the text for the current language, with
// {name} placeholders filled; falls back to Spanish, then to the key itself.
export function t(key, vars) {
	const l = lang.get();
	let s = dictionaries[l][key] ?? dictionaries.es[key] ?? key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] ?? m));
	return s;
}

export function locale() {
	return { es: 'es-AR', en: 'en-GB', pt: 'pt-BR' }[lang.get()];
}

export function fmtTime(iso) {
	if (!iso) return '';
	// 24-hour times everywhere: short on the slot buttons and the board, and what offices post.
	return new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

export function fmtDateTime(iso) {
	if (!iso) return '';
	return new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' });
}

// "about 12 min" / "8-15 min" from estimated_wait_range or estimated_wait_seconds; a wait
// that rounds to no minute is "under 1 min" ("up to 3 min" for a range from it), never "0 min".
export function fmtWait(ticket) {
	if (!ticket) return '';
	const r = ticket.estimated_wait_range;
	const min = (s) => Math.max(0, Math.round(s / 60));
	const about = (n) => (n === 0 ? t('wait.under1') : t('wait.about', { n }));
	if (r && typeof r.low === 'number' && typeof r.high === 'number') {
		const lo = min(r.low), hi = min(r.high);
		if (lo === hi) return about(lo);
		return lo === 0 ? t('wait.upto', { high: hi }) : t('wait.range', { low: lo, high: hi });
	}
	if (typeof ticket.estimated_wait_seconds === 'number') return about(min(ticket.estimated_wait_seconds));
	return '';
}

// The seeded priorities (sql/002_seed.sql) come with English descriptions; shown in the
// page's language while nobody has changed them in /admin.
const SEEDED = {
	'0b5e7d2a-5c1e-4f7a-8d3b-000000000001': ['Urgent: served first', 'prio.seeded.high'],
	'0b5e7d2a-5c1e-4f7a-8d3b-000000000002': ['Standard', 'prio.seeded.medium'],
	'0b5e7d2a-5c1e-4f7a-8d3b-000000000003': ['Routine', 'prio.seeded.low'],
};
export function prioDescription(p) {
	const seed = p && SEEDED[p.id];
	return seed && seed[0] === p.description ? t(seed[1]) : p?.description || '';
}
