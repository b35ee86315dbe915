// Helpers of the end-to-end tests: the stack, the API, the browser.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';

const require = createRequire(join(process.env.TURNERO_SRC_DIR, 'web', 'package.json'));
export const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.TURNERO_TEST_URL;
export const ARTIFACTS = process.env.TURNERO_E2E_ARTIFACTS;
export const ADMIN_PASSWORD = 'e2e-admin-password';
export const ROLES = {
	admin: '6f1c0a3e-0a51-4c55-9a0e-000000000001',
	attendant: '6f1c0a3e-0a51-4c55-9a0e-000000000003',
	receptionist: '6f1c0a3e-0a51-4c55-9a0e-000000000004',
	display: '6f1c0a3e-0a51-4c55-9a0e-000000000005',
};
export const MEDIA = '0b5e7d2a-5c1e-4f7a-8d3b-000000000002';
// The queues' time zone (run-all.sh picks one where it is about noon): the browsers use it
// too, and today(offsetDays) is a service day there (YYYY-MM-DD).
export const TZ = process.env.TURNERO_QUEUE_TIMEZONE || 'UTC';
export const today = (days = 0) => new Date(Date.now() + days * 86400000).toLocaleDateString('sv', { timeZone: TZ });

export function stack(action) {
	execFileSync(process.env.TURNERO_TEST_STACK, [action, process.env.TURNERO_TEST_STATE], { stdio: 'inherit' });
}

export function resetAdmin() {
	execFileSync(join(process.env.TURNERO_BUILD_DIR, 'turneroctl'),
		['-c', join(process.env.TURNERO_TEST_STATE, 'turnero.conf'), 'create-admin', '--user', 'admin', '--reset-password'],
		{ input: ADMIN_PASSWORD + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
}

export async function token(user, password) {
	const res = await fetch(`${BASE}/api/v1/auth/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'password', username: user, password }),
	});
	if (res.status !== 200) throw new Error(`login ${user}: ${res.status} ${await res.text()}`);
	return (await res.json()).access_token;
}

export async function api(tok, method, path, body) {
	const res = await fetch(`${BASE}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
		body: body ? JSON.stringify(body) : undefined,
	});
	const text = await res.text();
	return { status: res.status, body: text ? (() => { try { return JSON.parse(text); } catch { return text; } })() : null };
}

export function unique(prefix) {
	return `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 7)}`;
}

export async function launch() {
	return chromium.launch({
		executablePath: '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

// A browser context at a size, in a language, that fails on CSP violations and page errors.
export async function context(browser, { width = 1366, height = 768, locale = 'es-AR' } = {}) {
	const ctx = await browser.newContext({ viewport: { width, height }, ignoreHTTPSErrors: true, locale, baseURL: BASE, timezoneId: TZ });
	ctx.problems = [];
	ctx.on('page', (p) => watch(ctx, p));
	return ctx;
}
function watch(ctx, page) {
	page.on('pageerror', (e) => ctx.problems.push(`page error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) ctx.problems.push(`console: ${m.text()}`);
	});
}

export async function signIn(page, user, password) {
	await page.goto('/login');
	await page.getByLabel('Usuario', { exact: true }).fill(user);
	await page.getByLabel('Contraseña', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Ingresar' }).click();
}

// axe-core: no serious or critical violation.
export async function axe(page, name) {
	// Evaluated through the debugging protocol: the page's CSP forbids inline scripts.
	if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
	const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
	const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	return bad.map((v) => `${name}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

// A screenshot of the settled page: no request in flight (the pages mark what waits for
// one with aria-busy, and disable its buttons meanwhile), fonts loaded, animations ended.
export async function shot(page, name) {
	await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.fonts.status === 'loaded', null, { timeout: 15000 });
	await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
}

export function save(name, data) {
	writeFileSync(join(ARTIFACTS, name), data);
}

// The width of a PDF's first MediaBox, in points.
export function pdfWidth(buf) {
	const m = /\/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]/.exec(buf.toString('latin1'));
	if (!m) throw new Error('no MediaBox in the PDF');
	return Number(m[3]) - Number(m[1]);
}

// After the workers restart: every worker of the pool answers (a second's worth of
// consecutive 200s from /health, not just the first), polled with a generous bound.
export async function poolHealthy(seconds = 60) {
	let streak = 0;
	for (let i = 0; i < seconds * 10 && streak < 12; i++) {
		const res = await fetch(`${BASE}/api/v1/health`).catch(() => null);
		streak = res && res.status === 200 ? streak + 1 : 0;
		await res?.arrayBuffer().catch(() => {});
		await new Promise((r) => setTimeout(r, 100));
	}
	if (streak < 12) throw new Error('the workers did not all answer /health again');
}
