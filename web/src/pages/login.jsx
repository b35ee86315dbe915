// Sign-in: the OAuth2 password grant; then the page that fits the user's permissions.
import { useState } from 'preact/hooks';
import { login, ApiError, landing, session } from '../api.js';
import { t, lang } from '../i18n.js';
import { useStore } from '../store.js';
import { Field, LangSwitch, navigate } from '../ui.jsx';

export function Login() {
	useStore(lang);
	const s = useStore(session);
	const [user, setUser] = useState('');
	const [pass, setPass] = useState('');
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);

	async function submit(e) {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const me = await login(user.trim(), pass);
			const next = new URLSearchParams(location.search).get('next');
			navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : landing(me), true);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	}
	let message = null;
	if (error instanceof ApiError) {
		if (error.status === 400) message = t('login.bad');
		else if (error.status === 429) message = t('login.locked');
		else if (error.status === 0 || error.status >= 502) message = t('error.unavailable');
		else message = error.message;
	}
	return (
		<main class="page login">
			<div class="login-card">
				<div class="login-head">
					<h1>turnero</h1>
					<LangSwitch />
				</div>
				<form onSubmit={submit} aria-label={t('login.title')}>
					<h2>{t('login.title')}</h2>
					{s.ended && !error && <p class="notice" role="status">{t('login.ended')}</p>}
					<Field label={t('login.user')} name="username" value={user} onInput={setUser} required
						autocomplete="username" autocapitalize="none" spellcheck={false} />
					<Field label={t('login.password')} name="password" type="password" value={pass} onInput={setPass}
						required autocomplete="current-password" />
					{message && <div class="error" role="alert">{message}</div>}
					<button type="submit" class="primary" disabled={busy}>{t('login.submit')}</button>
				</form>
				<p class="login-foot"><a href="/book">{t('login.book')}</a> · <a href="/docs">{t('nav.docs')}</a></p>
			</div>
		</main>
	);
}
