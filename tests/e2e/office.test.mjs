// A clinic's day in the browser: sign-in, kiosk, board, counter, the customer's phone,
// reports, booking, outages; axe-core on every page; screenshots as artefacts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	BASE, ROLES, MEDIA, ADMIN_PASSWORD, stack, resetAdmin, token, api, unique, launch, context, signIn, axe, shot, save, pdfWidth,
} from './lib.mjs';

const PASS = 'e2e user password';
let browser, admin, queue, users, ticketId, ticketCode;
let board, boardCtx, counter, counterCtx, phone, phoneCtx;
const violations = [];
const contexts = [];

async function newCtx(opts) {
	const c = await context(browser, opts);
	contexts.push(c);
	return c;
}

describe('turnero web app', () => {
	before(async () => {
		resetAdmin();
		admin = await token('admin', ADMIN_PASSWORD);
		// A queue of its own, serving Media, with an attendant, a receptionist and a display.
		for (let i = 0; i < 50 && !queue; i++) {
			const prefix = Array.from({ length: 3 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join('');
			const r = await api(admin, 'POST', '/queues', { name: unique('E2E '), prefix, policy: 'priority', priority_ids: [MEDIA] });
			if (r.status === 201) queue = r.body;
		}
		assert.ok(queue, 'queue created');
		users = {};
		for (const role of ['attendant', 'receptionist', 'display']) {
			const user_name = unique(`e2e.${role.slice(0, 4)}.`).toLowerCase();
			const r = await api(admin, 'POST', '/users', { user_name, first_name: 'E2E', last_name: role, password: PASS, role_id: ROLES[role] });
			assert.equal(r.status, 201, JSON.stringify(r.body));
			users[role] = r.body;
		}
		const r = await api(admin, 'PATCH', `/queues/${queue.id}`, { user_id: users.attendant.id });
		assert.equal(r.status, 200, JSON.stringify(r.body));
		browser = await launch();
	});

	after(async () => {
		for (const c of contexts) await c.close().catch(() => {});
		if (browser) await browser.close();
	});

	it('signs in and lands on the page that fits the role', async () => {
		const ctx = await newCtx();
		const page = await ctx.newPage();
		await page.goto('/login');
		violations.push(...await axe(page, 'login'));
		await shot(page, 'login');
		// Wrong password: said in words, no navigation.
		await signIn(page, users.receptionist.user_name, 'not the password');
		await page.getByRole('alert').filter({ hasText: 'incorrectos' }).waitFor();
		assert.match(page.url(), /\/login/);
		await signIn(page, users.receptionist.user_name, PASS);
		await page.waitForURL('**/kiosk');
		await page.getByRole('button', { name: 'Cerrar sesión' }).click();
		await page.waitForURL(/\/login$/);
		await signIn(page, users.display.user_name, PASS);
		await page.waitForURL('**/board');
		await ctx.close();
	});

	it('issues a ticket at the kiosk and prints it at 80 mm', async () => {
		const ctx = await newCtx({ width: 390, height: 844 });
		const page = await ctx.newPage();
		await signIn(page, users.receptionist.user_name, PASS);
		await page.waitForURL('**/kiosk');
		const dni = String(Date.now()).slice(-8);
		await page.getByLabel('Buscar por DNI o nombre').fill(dni);
		await page.getByRole('button', { name: 'Buscar', exact: true }).click();
		await page.getByRole('status').filter({ hasText: 'No se encontró' }).waitFor();
		await page.getByLabel('Nombre', { exact: true }).fill('Rosa');
		await page.getByLabel('Apellido', { exact: true }).fill('Luna');
		assert.equal(await page.getByLabel('DNI', { exact: true }).inputValue(), dni);
		await page.getByRole('button', { name: /Media/ }).click();
		violations.push(...await axe(page, 'kiosk'));
		await shot(page, 'kiosk');
		await page.getByRole('button', { name: 'Dar turno' }).click();
		const code = page.locator('#slip-code');
		await code.waitFor();
		ticketCode = (await code.textContent()).trim();
		assert.match(ticketCode, new RegExp(`^${queue.prefix}-\\d{3}$`));
		const qr = page.getByRole('img', { name: /Código QR/ });
		assert.ok(await qr.isVisible());
		await shot(page, 'kiosk-issued');
		violations.push(...await axe(page, 'kiosk-issued'));
		const list = await api(admin, 'GET', `/tickets?queue_id=${queue.id}&status=waiting`);
		const mine = list.body.items.find((t) => t.code === ticketCode);
		assert.ok(mine, 'the ticket exists in the API');
		ticketId = mine.id;
		await page.emulateMedia({ media: 'print' });
		const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
		save('kiosk-ticket.pdf', pdf);
		const w = pdfWidth(pdf);
		assert.ok(w >= 226 && w <= 227, `80 mm is 226.8 pt, the PDF is ${w} pt wide`);
		await ctx.close();
	});

	it('shows the ticket on the board and on the customer\'s phone', async () => {
		boardCtx = await newCtx({ width: 1920, height: 1080 });
		board = await boardCtx.newPage();
		await signIn(board, users.display.user_name, PASS);
		await board.waitForURL('**/board');
		const section = board.getByRole('region', { name: queue.name });
		await section.getByRole('list', { name: `Próximos turnos de ${queue.name}` }).getByText(ticketCode).waitFor();

		phoneCtx = await newCtx({ width: 390, height: 844 });
		phone = await phoneCtx.newPage();
		await phone.goto(`/t/${ticketId}`);
		await phone.getByText(ticketCode).waitFor();
		await phone.getByRole('status').filter({ hasText: 'En espera' }).waitFor();
		const text = await phone.locator('main').textContent();
		assert.ok(!text.includes('Rosa') && !text.includes('Luna'), 'no data about the person');
		violations.push(...await axe(phone, 'ticket'));
		await shot(phone, 'ticket-waiting');
	});

	it('calls it at the counter; the board and the phone change without a reload', async () => {
		counterCtx = await newCtx();
		counter = await counterCtx.newPage();
		await signIn(counter, users.attendant.user_name, PASS);
		await counter.waitForURL('**/counter');
		const waiting = counter.getByRole('table');
		await waiting.getByText(ticketCode).waitFor();
		violations.push(...await axe(counter, 'counter'));
		await shot(counter, 'counter-waiting');
		const next = counter.getByRole('button', { name: 'Llamar al siguiente' });
		assert.equal(await next.getAttribute('aria-keyshortcuts'), 'N');
		await counter.keyboard.press('n'); // the shortcut shown on the button
		await counter.locator('.now-code').filter({ hasText: ticketCode }).waitFor();
		await shot(counter, 'counter');

		// The board: the code as served, highlighted, announced and queued for speech.
		const section = board.getByRole('region', { name: queue.name });
		await section.getByText(ticketCode, { exact: true }).first().waitFor({ timeout: 10000 });
		await board.locator('.fresh').first().waitFor({ timeout: 10000 });
		await board.waitForFunction((code) => (window.turneroSpeechLog || []).some((e) => e.text.startsWith(`Turno ${code.split('-')[0].split('').join(' ')} cero`)), ticketCode, { timeout: 10000 });
		const spoken = await board.evaluate(() => window.turneroSpeechLog.map((e) => e.text));
		// The place is the queue (no desks here), its digits in words: "E2E ..." -> "E dos E ...".
		assert.ok(spoken.some((s) => s.includes(', E dos E ')), `spoken: ${spoken}`);
		const announced = board.getByRole('list', { name: 'Llamados anunciados' });
		assert.ok((await announced.textContent()).includes('Turno'));
		violations.push(...await axe(board, 'board'));
		await shot(board, 'board');

		// The phone: it's your turn.
		await phone.getByRole('status').filter({ hasText: 'Es su turno' }).waitFor({ timeout: 10000 });
		await shot(phone, 'ticket-called');
	});

	it('marks it served and finds it in the report', async () => {
		await counter.getByRole('button', { name: 'Atendido' }).click();
		await counter.getByText('Nadie llamado todavía.').waitFor();
		const t = await api(admin, 'GET', `/tickets/${ticketId}`);
		assert.equal(t.body.status, 'served');

		const ctx = await newCtx();
		const page = await ctx.newPage();
		await signIn(page, 'admin', ADMIN_PASSWORD);
		await page.waitForURL('**/admin');
		violations.push(...await axe(page, 'admin'));
		await shot(page, 'admin');
		await page.getByRole('tab', { name: 'Roles' }).click();
		await page.getByRole('button', { name: 'Detalles de display' }).click();
		await page.getByRole('checkbox', { name: 'Filas y puestos: Ver' }).waitFor();
		assert.ok(await page.getByRole('checkbox', { name: 'Filas y puestos: Ver' }).isChecked());
		violations.push(...await axe(page, 'admin-roles'));
		await page.goto('/reports');
		const byQueue = page.getByRole('region', { name: 'Por fila' });
		const row = byQueue.getByRole('row').filter({ hasText: queue.name });
		await row.waitFor();
		const cells = await row.getByRole('cell').allTextContents();
		assert.equal(cells[0], '1', `issued: ${cells}`); // issued
		assert.equal(cells[1], '1', `served: ${cells}`); // served
		const download = page.waitForEvent('download');
		await page.getByRole('button', { name: 'Exportar turnos (CSV)' }).click();
		const file = await download;
		const csv = await (await file.createReadStream()).toArray();
		assert.ok(Buffer.concat(csv).toString().includes(ticketCode), 'the CSV lists the ticket');
		violations.push(...await axe(page, 'reports'));
		await shot(page, 'reports');
		await page.goto('/docs');
		await page.getByText('/auth/token').first().waitFor({ timeout: 15000 });
		violations.push(...await axe(page, 'docs'));
		await shot(page, 'docs');
		await ctx.close();
	});

	it('books a slot publicly and cancels it', async () => {
		const ctx = await newCtx({ width: 390, height: 844 });
		const page = await ctx.newPage();
		const probe = await fetch(`${BASE}/api/v1/public/queues`);
		if (probe.status === 404) {
			// No appointments API on this server: the page says so in words.
			await page.goto('/book');
			await page.getByRole('status').filter({ hasText: 'no toma turnos en línea' }).waitFor();
			violations.push(...await axe(page, 'book'));
			await shot(page, 'book');
			await ctx.close();
			return;
		}
		// Bookings every day, all day, in slots of 15 minutes.
		const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: '00:00', to: '23:45' }));
		const s = await api(admin, 'PUT', `/queues/${queue.id}/schedule`, { slot_minutes: 15, capacity: 2, weeks_ahead: 2, late_grace_minutes: 10, hours, closed_dates: [] });
		assert.equal(s.status, 200, JSON.stringify(s.body));
		await page.goto('/book');
		await page.getByLabel('Servicio').selectOption({ label: queue.name });
		const tomorrow = new Date(Date.now() + 86400000).toLocaleDateString('sv');
		await page.getByLabel('Día').fill(tomorrow);
		await page.getByRole('button', { name: /^10:00/ }).first().click();
		await page.getByLabel('Nombre', { exact: true }).fill('Ana');
		await page.getByLabel('Apellido', { exact: true }).fill('Paz');
		await page.getByLabel('Correo electrónico').fill('ana@example.org');
		violations.push(...await axe(page, 'book'));
		await shot(page, 'book');
		await page.getByRole('button', { name: 'Confirmar turno' }).click();
		await page.waitForURL(/\/book\/[0-9a-f-]{36}$/);
		await page.getByRole('heading', { name: 'Turno reservado' }).waitFor();
		await page.getByRole('button', { name: 'Cancelar el turno' }).click();
		await page.getByRole('heading', { name: 'Turno cancelado' }).waitFor();
		await ctx.close();
	});

	it('keeps the board going through a restart of the workers', async () => {
		// nginx holds the live stream, so the board keeps what it shows while no worker answers
		// (with polling it would say "Reconectando…" and keep the last board too).
		const section = board.getByRole('region', { name: queue.name });
		const shown = await section.innerText();
		stack('fcgi-stop');
		try {
			await board.waitForTimeout(3000);
			assert.equal(await section.innerText(), shown);
		} finally {
			stack('fcgi-start');
		}
		await board.getByText('Reconectando…').first().waitFor({ state: 'hidden', timeout: 30000 });
		// A new call after the restart reaches the board without a reload.
		const tk = await api(admin, 'POST', '/tickets', { priority_id: MEDIA, queue_id: queue.id, customer: { first_name: 'Leo', last_name: 'Sol' } });
		assert.equal(tk.status, 201, JSON.stringify(tk.body));
		const att = await token(users.attendant.user_name, PASS);
		const called = await api(att, 'POST', `/queues/${queue.id}/call-next`);
		assert.equal(called.status, 200, JSON.stringify(called.body));
		await section.getByText(tk.body.code, { exact: true }).first().waitFor({ timeout: 15000 });
		await board.waitForFunction((n) => window.turneroSpeechLog.length >= n, 2, { timeout: 10000 });
	});

	it('switches language on every page and remembers it', async () => {
		const select = board.getByRole('combobox', { name: 'Idioma' });
		await select.selectOption('en');
		await board.getByRole('heading', { name: 'Now serving' }).waitFor();
		await board.reload();
		await board.getByRole('heading', { name: 'Now serving' }).waitFor();
		await board.getByRole('combobox', { name: 'Language' }).selectOption('pt');
		await board.getByRole('heading', { name: 'Senhas' }).waitFor();
		await board.getByRole('combobox', { name: 'Idioma' }).selectOption('es');
	});

	it('has no serious accessibility violations and no CSP violations', () => {
		assert.deepEqual(violations, []);
		const problems = contexts.flatMap((c) => c.problems);
		assert.deepEqual(problems, []);
	});
});
