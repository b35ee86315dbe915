// The turnero web app: one page per screen of an office, chosen by the URL.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
// Every page's styles in one file (a lazily loaded page's CSS would not be loaded).
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { session, resume, landing } from './api.js';
import { lang, t } from './i18n.js';
import { useStore } from './store.js';
import { usePath, navigate, LangSwitch } from './ui.jsx';
import { Login } from './pages/login.jsx';

// Pages load on first use, so a phone opening /t/{id} downloads little.
const pages = {
	kiosk: () => import('./pages/kiosk.jsx').then((m) => m.Kiosk),
	counter: () => import('./pages/counter.jsx').then((m) => m.Counter),
	board: () => import('./pages/board.jsx').then((m) => m.Board),
	ticket: () => import('./pages/ticket.jsx').then((m) => m.TicketPage),
	book: () => import('./pages/book.jsx').then((m) => m.Book),
	admin: () => import('./pages/admin.jsx').then((m) => m.Admin),
	reports: () => import('./pages/reports.jsx').then((m) => m.Reports),
};
const staffPages = { kiosk: 1, counter: 1, board: 1, admin: 1, reports: 1 };

function Lazy({ name, ...props }) {
	const [C, setC] = useState(null);
	const [failed, setFailed] = useState(false);
	useEffect(() => {
		setC(null);
		pages[name]().then((c) => setC(() => c), () => setFailed(true));
	}, [name]);
	if (failed) return <main class="page"><p role="alert">{t('error.load')}</p></main>;
	return C ? <C {...props} /> : <main class="page" aria-busy="true"><p>{t('common.loading')}</p></main>;
}

function App() {
	const path = usePath();
	const s = useStore(session);
	useStore(lang);
	const parts = path.split('/').filter(Boolean);
	const head = parts[0] || '';

	useEffect(() => {
		if (!s.ready) return;
		if (head === '' && (s.me || !s.waiting)) navigate(s.me ? landing(s.me) : '/login', true);
		else if (staffPages[head] && !s.me && !s.waiting) navigate(`/login?next=${encodeURIComponent(path)}`, true);
		else if (head === 'docs') location.replace('/docs');
	}, [s.ready, s.me, head]);

	useEffect(() => {
		document.title = head ? `${t(`title.${head}`)} · turnero` : 'turnero';
		document.body.dataset.page = head || 'home';
	}, [head, lang.get()]);

	if (head === 't' && parts[1]) return <Lazy name="ticket" id={parts[1]} />;
	if (head === 'book') return <Lazy name="book" id={parts[1]} />;
	if (!s.ready) return <main class="page" aria-busy="true"><p>{t('common.loading')}</p></main>;
	if (head === 'login') return <Login />;
	// Signed in, but the server is away: the page comes as soon as it answers again.
	if ((head === '' || staffPages[head]) && !s.me && s.waiting) {
		return (
			<main class="page narrow" aria-busy="true">
				<LangSwitch />
				<p class="error" role="status">{t('error.offline')}</p>
			</main>
		);
	}
	if (staffPages[head] && s.me) return <Lazy name={head} />;
	if (head === '' || staffPages[head]) return null;
	return (
		<main class="page narrow">
			<h1>{t('error.notfound')}</h1>
			<p><a href="/">{t('common.home')}</a></p>
		</main>
	);
}

resume();
render(<App />, document.getElementById('app'));
