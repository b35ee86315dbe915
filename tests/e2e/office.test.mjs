// A clinic's day in the browser: sign-in, kiosk, board, counter, the customer's phone,
// reports, booking, outages; axe-core on every page; screenshots as artefacts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	BASE, ARTIFACTS, ROLES, MEDIA, TZ, today, ADMIN_PASSWORD, stack, resetAdmin, token, api, unique, launch, context, signIn, axe, shot, save, pdfWidth, poolHealthy,
} from './lib.mjs';

const PASS = 'e2e user password';
let browser, admin, queue, others, desks, users, ticketId, ticketCode;
let board, boardCtx, counter, counterCtx, phone, phoneCtx;
const violations = [];
const contexts = [];

const ALTA = '0b5e7d2a-5c1e-4f7a-8d3b-000000000001';
const BAJA = '0b5e7d2a-5c1e-4f7a-8d3b-000000000003';

// A queue serving one priority; the name and prefix asked for, else unique ones.
async function makeQueue(name, prefix, priority) {
	for (let i = 0; i < 50; i++) {
		const body = i === 0 ? { name, prefix, policy: 'priority', priority_ids: [priority] }
			: { name: unique(`${name} `), prefix: Array.from({ length: 3 }, () => String.fromCharCode(65 + Math.floor(Math.random() * 26))).join(''), policy: 'priority', priority_ids: [priority] };
		const r = await api(admin, 'POST', '/queues', body);
		if (r.status === 201) return r.body;
		assert.equal(r.status, 409, JSON.stringify(r.body));
	}
	throw new Error(`no queue ${name}`);
}

// "A-007" as the board says it in Spanish: "A cero cero siete".
const DIGITS = ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
const spoken = (code) => {
	const [p, d] = code.split('-');
	return [...p.split(''), ...d.split('').map((x) => DIGITS[+x])].join(' ');
};

// How many boards the board page got through its event stream, and its transport.
// Nothing wider than the screen (no sideways scrolling on a phone).
async function fitsWidth(page, name) {
	const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
	assert.ok(scroll <= width, `${name}: ${scroll} px wide on a ${width} px screen`);
}

// The column headers of every table on the page end on one line: the last line of text of
// a header that wraps ("No se presentaron") is level with its neighbours' (bottom-aligned).
async function headersLevel(page, name) {
	const tables = await page.evaluate(() => [...document.querySelectorAll('table')].filter((t) => t.tHead && t.offsetParent)
		.map((t) => [...t.tHead.querySelectorAll('th')].map((th) => {
			const range = document.createRange();
			range.selectNodeContents(th);
			const lines = [...range.getClientRects()];
			return { text: th.textContent, bottom: Math.max(...lines.map((r) => r.bottom)), lines: new Set(lines.map((r) => Math.round(r.top))).size };
		})));
	assert.ok(tables.length > 0, `${name}: tables with headers`);
	for (const ths of tables) {
		const bottoms = ths.map((th) => th.bottom);
		assert.ok(Math.max(...bottoms) - Math.min(...bottoms) <= 2, `${name}: headers end level: ${JSON.stringify(ths)}`);
	}
	return tables;
}

// Every row of every table on the page draws its line across: each cell of a row ends where
// the row ends (a cell laid out as flex, as a cell of buttons was, ends short of the line).
async function rowsLevel(page, name) {
	const bad = await page.evaluate(() => [...document.querySelectorAll('table tbody tr')].filter((tr) => tr.offsetParent)
		.map((tr) => ({ row: tr.textContent.trim().slice(0, 40), row_bottom: tr.getBoundingClientRect().bottom,
			cells: [...tr.cells].map((c) => c.getBoundingClientRect().bottom) }))
		.filter((r) => r.cells.some((b) => Math.abs(b - r.row_bottom) > 0.5)));
	assert.deepEqual(bad, [], `${name}: cells that end above or below their row`);
}

// Every button, list box and header link on the page at least 44 px tall (touch targets on a phone).
async function touchTargets(page, name) {
	const small = await page.evaluate(() => [...document.querySelectorAll('button, select, .top nav a')]
		.filter((el) => el.offsetParent && el.getClientRects().length)
		.map((el) => ({ text: el.textContent.trim(), height: el.getBoundingClientRect().height }))
		.filter((el) => el.height < 43.5));
	assert.deepEqual(small, [], `${name}: controls under 44 px to touch`);
}

// Every call row of every card laid out alike (the code on its line, "→ desk" under it,
// the same height), whatever the desk's name, with codes big enough to read across the room.
async function boardRowsAlike(name, minPx) {
	const rows = await board.evaluate(() => [...document.querySelectorAll('.bq-desks li')].map((li) => {
		const code = li.querySelector('.bd-code').getBoundingClientRect();
		const place = li.querySelector('.bd-name').getBoundingClientRect();
		return { desk: li.dataset.desk || '(queue)', under: place.top >= code.bottom - 1, height: li.clientHeight,
			px: parseFloat(getComputedStyle(li.querySelector('.bd-code')).fontSize) };
	}));
	assert.ok(rows.length >= 5, `${name}: ${JSON.stringify(rows)}`);
	for (const r of rows) assert.ok(r.under, `${name}: ${r.desk} is under its code: ${JSON.stringify(rows)}`);
	const hs = rows.map((r) => r.height);
	assert.ok(Math.max(...hs) - Math.min(...hs) <= 2, `${name}: every row as tall: ${JSON.stringify(rows)}`);
	assert.ok(rows.every((r) => r.px >= minPx), `${name}: codes of at least ${minPx} px: ${JSON.stringify(rows)}`);
}

const transport = (page) => page.locator('main.board').getAttribute('data-transport');
const sseEvents = async (page) => Number(await page.locator('main.board').getAttribute('data-sse-events'));

async function newCtx(opts) {
	const c = await context(browser, opts);
	contexts.push(c);
	return c;
}

describe('turnero web app', () => {
	before(async () => {
		resetAdmin();
		admin = await token('admin', ADMIN_PASSWORD);
		// An office: General (Media, the attendant's queue, desks Ventanilla 3 and 4), Caja
		// (Alta) and Farmacia (Baja), each with desks; only General serves Media, so the
		// kiosk's tickets land there.
		queue = await makeQueue('General', 'A', MEDIA);
		others = [await makeQueue('Caja', 'C', ALTA), await makeQueue('Farmacia', 'F', BAJA)];
		desks = {};
		for (const [q, names] of [[queue, ['Ventanilla 3', 'Ventanilla 4']], [others[0], ['Caja 1', 'Caja 2']], [others[1], ['Mostrador 1']]]) {
			for (const name of names) {
				const r = await api(admin, 'POST', '/desks', { name, queue_id: q.id });
				assert.equal(r.status, 201, JSON.stringify(r.body));
				desks[name] = r.body;
			}
		}
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
		// The seeded priorities' descriptions in the page's language.
		assert.equal((await page.getByRole('button', { name: /Media/ }).locator('.prio-desc').textContent()).trim(), 'Normal');
		// Notices only by a channel the person has.
		const byEmail = page.getByRole('checkbox', { name: 'Avisar por correo' });
		const bySms = page.getByRole('checkbox', { name: 'Avisar por SMS' });
		assert.ok(await byEmail.isDisabled() && await bySms.isDisabled(), 'no contact, no notices');
		await page.getByLabel('Correo electrónico').fill('rosa@example');
		assert.ok(await byEmail.isEnabled() && await bySms.isDisabled());
		await byEmail.check();
		violations.push(...await axe(page, 'kiosk'));
		await shot(page, 'kiosk');
		await fitsWidth(page, 'kiosk');
		// The same on a reception tablet in landscape.
		await page.setViewportSize({ width: 1280, height: 800 });
		await page.evaluate(() => window.scrollTo(0, 0));
		await shot(page, 'kiosk-tablet');
		await fitsWidth(page, 'kiosk-tablet');
		await page.setViewportSize({ width: 390, height: 844 });
		// The API refuses the address (422): said in words beside the field, nothing issued.
		await page.getByRole('button', { name: 'Dar turno' }).click();
		await page.locator('.has-error').filter({ hasText: 'Correo electrónico' }).locator('.field-error').waitFor();
		assert.ok((await page.locator('#f-email-err').textContent()).trim().length > 5, 'the problem in words');
		assert.equal((await api(admin, 'GET', `/tickets?queue_id=${queue.id}`)).body.total, 0, 'no ticket on a 422');
		await page.getByLabel('Correo electrónico').fill('');
		assert.ok(await byEmail.isDisabled() && !(await byEmail.isChecked()));
		await page.getByRole('button', { name: 'Dar turno' }).click();
		const code = page.locator('#slip-code');
		await code.waitFor();
		ticketCode = (await code.textContent()).trim();
		assert.match(ticketCode, new RegExp(`^${queue.prefix}-\\d{3}$`));
		const qr = page.getByRole('img', { name: /Código QR/ });
		assert.ok(await qr.isVisible());
		await shot(page, 'kiosk-issued');
		violations.push(...await axe(page, 'kiosk-issued'));
		await page.setViewportSize({ width: 1280, height: 800 });
		await shot(page, 'kiosk-issued-tablet');
		await page.setViewportSize({ width: 390, height: 844 });
		const list = await api(admin, 'GET', `/tickets?queue_id=${queue.id}&status=waiting`);
		const mine = list.body.items.find((t) => t.code === ticketCode);
		assert.ok(mine, 'the ticket exists in the API');
		ticketId = mine.id;
		await page.emulateMedia({ media: 'print' });
		const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
		save('kiosk-ticket.pdf', pdf);
		const w = pdfWidth(pdf);
		// 80 mm = 226.77 pt; Chromium rounds page sizes (227.04 pt for 80 mm).
		assert.ok(w >= 226 && w <= 228, `80 mm is 226.77 pt, the PDF is ${w} pt wide`);
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
		// First in its queue: told so, not "0 people ahead" beside a wait of minutes.
		await phone.locator('.tk-next').filter({ hasText: 'Usted es el siguiente' }).waitFor();
		const text = await phone.locator('main').textContent();
		assert.ok(!text.includes('Personas antes que usted'), 'no count of people ahead when first');
		assert.ok(!text.includes('Rosa') && !text.includes('Luna'), 'no data about the person');
		violations.push(...await axe(phone, 'ticket'));
		await shot(phone, 'ticket-waiting');
		await fitsWidth(phone, 'ticket');
	});

	it('opens a desk at the counter and calls; the board shows the code at that desk without a reload', async () => {
		counterCtx = await newCtx();
		counter = await counterCtx.newPage();
		await signIn(counter, users.attendant.user_name, PASS);
		await counter.waitForURL('**/counter');
		const waiting = counter.getByRole('table');
		await waiting.getByText(ticketCode).waitFor();
		// The queue has desks: calling waits until the attendant sits at one.
		await counter.getByText('Abra un puesto para empezar a llamar.').waitFor();
		const next = counter.getByRole('button', { name: 'Llamar al siguiente' });
		assert.ok(await next.isDisabled(), 'no call before a desk is open');
		await counter.getByLabel('Puesto', { exact: true }).selectOption({ label: 'Ventanilla 3' });
		await counter.getByRole('button', { name: 'Abrir puesto' }).click();
		await counter.getByText('Atendiendo en Ventanilla 3').waitFor();
		const desk = await api(admin, 'GET', `/desks/${desks['Ventanilla 3'].id}`);
		assert.equal(desk.body.user_id, users.attendant.id, 'signed in at the desk');
		violations.push(...await axe(counter, 'counter'));
		await shot(counter, 'counter-waiting');
		assert.equal(await next.getAttribute('aria-keyshortcuts'), 'N');
		const eventsBefore = await sseEvents(board);
		await counter.keyboard.press('n'); // the shortcut shown on the button
		await counter.locator('.now-code').filter({ hasText: ticketCode }).waitFor();
		const called = await api(admin, 'GET', `/tickets/${ticketId}`);
		assert.equal(called.body.status, 'called');
		assert.equal(called.body.desk_name, 'Ventanilla 3');
		// The screenshot shows the counter ready for the next step, not mid-request.
		await counter.getByRole('button', { name: /^Atendido/ }).and(counter.locator(':enabled')).waitFor();
		assert.ok(await next.isEnabled(), 'call next is ready again');
		await shot(counter, 'counter');

		// The board: the code at THAT desk, highlighted, announced with the desk's name.
		const atDesk = board.locator('li[data-desk="Ventanilla 3"]');
		await atDesk.filter({ hasText: ticketCode }).waitFor({ timeout: 10000 });
		assert.match((await atDesk.textContent()).replace(/\s+/g, ' '), new RegExp(`${ticketCode}\\s*→\\s*Ventanilla 3`));
		assert.ok(!(await board.locator('li[data-desk="Ventanilla 4"]').textContent()).includes(ticketCode), 'not at the other desk');
		await board.locator('li.fresh[data-desk="Ventanilla 3"]').waitFor({ timeout: 10000 });
		const say = `Turno ${spoken(ticketCode)}, Ventanilla tres`;
		await board.waitForFunction((text) => (window.turneroSpeechLog || []).some((e) => e.text === text), say, { timeout: 10000 });
		const announced = board.getByRole('list', { name: 'Llamados anunciados' });
		assert.ok((await announced.textContent()).includes(say));
		// ... and it came through the event stream, not by polling.
		assert.equal(await transport(board), 'sse');
		assert.ok(await sseEvents(board) > eventsBefore, 'the board got the call as an SSE message');

		// The phone: it's your turn. The phone and the counter follow their streams too.
		await phone.getByRole('status').filter({ hasText: 'Es su turno' }).waitFor({ timeout: 10000 });
		// ... and where to go: the desk that called.
		assert.match(await phone.getByRole('status').filter({ hasText: 'Es su turno' }).textContent(), /Diríjase a Ventanilla 3/);
		assert.equal((await phone.locator('.tk-where').textContent()).trim(), 'Ventanilla 3');
		assert.equal(await phone.locator('main').getAttribute('data-transport'), 'sse');
		assert.equal(await counter.locator('main').getAttribute('data-transport'), 'sse');
		await shot(phone, 'ticket-called');
	});

	it('fills the TV with an office: three queues, their desks and the next codes', async () => {
		// Caja and Farmacia get customers; some are called at their desks.
		const issued = {};
		let lastId;
		for (const [q, prio, n] of [[others[0], ALTA, 5], [others[1], BAJA, 4], [queue, MEDIA, 3]]) {
			issued[q.id] = [];
			for (let i = 0; i < n; i++) {
				const r = await api(admin, 'POST', '/tickets', { priority_id: prio, queue_id: q.id, customer: { first_name: `P${i}`, last_name: q.name } });
				assert.equal(r.status, 201, JSON.stringify(r.body));
				issued[q.id].push(r.body.code);
				lastId = r.body.id;
			}
		}
		for (const name of ['Caja 1', 'Caja 2', 'Mostrador 1']) {
			const r = await api(admin, 'POST', `/desks/${desks[name].id}/call-next`);
			assert.equal(r.status, 200, JSON.stringify(r.body));
			await board.locator(`li[data-desk="${name}"]`).filter({ hasText: r.body.code }).waitFor({ timeout: 10000 });
		}
		for (const q of [queue, ...others]) {
			const section = board.getByRole('region', { name: q.name });
			await section.getByRole('list', { name: `Puestos de ${q.name}` }).waitFor();
		}
		await board.getByRole('list', { name: 'Próximos turnos de Caja' }).getByText(issued[others[0].id][2], { exact: true }).waitFor({ timeout: 10000 });
		violations.push(...await axe(board, 'board'));
		await shot(board, 'board');
		// Nothing spills out of the 1920x1080 screen.
		const overflow = await board.evaluate(() => document.documentElement.scrollHeight > window.innerHeight || document.documentElement.scrollWidth > window.innerWidth);
		assert.equal(overflow, false, 'the board fits the TV');
		await boardRowsAlike('1920x1080', 48);
		// A smaller TV and one standing upright: all of it on the screen, the rows alike.
		for (const [width, height, name, minPx] of [[1280, 720, 'board-720', 24], [1080, 1920, 'board-portrait', 40]]) {
			await board.setViewportSize({ width, height });
			await board.waitForFunction(() => document.documentElement.scrollHeight <= window.innerHeight
				&& document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 15000 });
			await boardRowsAlike(name, minPx);
			await shot(board, name);
		}
		await board.setViewportSize({ width: 1920, height: 1080 });
		await board.waitForFunction(() => window.innerWidth === 1920 && document.documentElement.scrollHeight <= window.innerHeight
			&& document.documentElement.scrollWidth <= window.innerWidth, null, { timeout: 15000 });

		// A customer behind others sees how many are ahead (position - 1), not "you are next".
		const behind = await api(admin, 'GET', `/tickets/${lastId}`);
		assert.ok(behind.body.position > 1, `the last ticket has others ahead (position ${behind.body.position})`);
		const behindPage = await phoneCtx.newPage();
		await behindPage.goto(`/t/${lastId}`);
		const ahead = behindPage.locator('.tk-facts div').filter({ hasText: 'Personas antes que usted' });
		await ahead.waitFor();
		assert.equal((await ahead.locator('dd').textContent()).trim(), String(behind.body.position - 1));
		assert.equal(await behindPage.locator('.tk-next').count(), 0);
		await shot(behindPage, 'ticket-behind');
		await behindPage.close();
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
		await rowsLevel(page, 'admin');
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
		const issued = (await api(admin, 'GET', `/tickets?queue_id=${queue.id}`)).body.total;
		assert.equal(cells[0], String(issued), `issued: ${cells}`); // issued
		assert.equal(cells[1], '1', `served: ${cells}`); // served
		const download = page.waitForEvent('download');
		await page.getByRole('button', { name: 'Exportar turnos (CSV)' }).click();
		const file = await download;
		const csv = await (await file.createReadStream()).toArray();
		assert.ok(Buffer.concat(csv).toString().includes(ticketCode), 'the CSV lists the ticket');
		violations.push(...await axe(page, 'reports'));
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
		// Bookings every day, all day, in slots of 15 minutes, except the day after tomorrow;
		// tomorrow's 10:15 is booked full by the staff.
		const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: '00:00', to: '23:45' }));
		const closed = today(2);
		const s = await api(admin, 'PUT', `/queues/${queue.id}/schedule`, { slot_minutes: 15, capacity: 2, weeks_ahead: 2, late_grace_minutes: 10, hours, closed_dates: [closed] });
		assert.equal(s.status, 200, JSON.stringify(s.body));
		const tomorrow = today(1);
		const local = (iso) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
		const av = await (await fetch(`${BASE}/api/v1/public/queues/${queue.id}/availability?from=${tomorrow}&to=${tomorrow}`)).json();
		const at = (hhmm) => av.slots.find((x) => local(x.start) === hhmm);
		assert.ok(at('10:15') && at('10:30'), `tomorrow's slots: ${JSON.stringify(av).slice(0, 300)}`);
		for (const [i, dni] of ['71000001', '71000002'].entries()) {
			const r = await api(admin, 'POST', '/appointments', { queue_id: queue.id, start: at('10:15').start, priority_id: MEDIA,
				customer: { dni: `${dni.slice(0, 6)}${String(process.pid % 100).padStart(2, '0')}`, first_name: `Full${i}`, last_name: 'Slot' } });
			assert.equal(r.status, 201, JSON.stringify(r.body));
		}

		await page.goto('/book');
		await page.getByLabel('Servicio').selectOption({ label: queue.name });
		// The days as buttons, with how many times are free; the closed day says so.
		const chip = (day) => page.locator(`label.chip.day[data-day="${day}"]`);
		await chip(closed).filter({ hasText: 'Sin horarios' }).waitFor();
		assert.match(await chip(tomorrow).textContent(), /\d+ libres/);
		await chip(closed).locator('input').check();
		const empty = page.getByRole('status').filter({ hasText: 'Ese día no hay horarios para reservar.' });
		await empty.waitFor();
		await empty.getByRole('button', { name: /^Ver el próximo día con lugar/ }).click();
		assert.ok(await chip(today(3)).locator('input').isChecked(), 'the next day with room');
		// Another day by the date field; the free times of the morning first, without the full one.
		await page.getByLabel('Otro día').fill(tomorrow);
		assert.ok(await chip(tomorrow).locator('input').isChecked());
		const morning = page.getByRole('radio', { name: /^Mañana/ });
		assert.ok(await morning.isChecked(), 'morning first');
		const times = page.getByRole('radiogroup', { name: 'Horarios libres: Mañana' }).getByRole('radio');
		assert.equal(await times.count(), 47, 'the 48 morning slots but the full 10:15');
		assert.equal(await page.getByRole('radio', { name: '10:15', exact: true }).count(), 0, 'a full slot is not offered');
		assert.equal(await page.getByRole('radio', { name: '15:00', exact: true }).count(), 0, 'one part of the day at a time');
		await page.getByRole('radio', { name: /^Tarde/ }).check();
		await page.getByRole('radio', { name: '15:00', exact: true }).waitFor();
		await morning.check();
		// Big enough to touch.
		const small = await page.locator('label.chip').evaluateAll((els) => els.filter((e) => {
			const r = e.getBoundingClientRect();
			return r.width > 0 && (r.width < 44 || r.height < 44);
		}).length);
		assert.equal(small, 0, 'every chip is at least 44x44 px');
		// By keyboard: the arrow key moves to the next free time (past the full one).
		await page.getByRole('radio', { name: '10:00', exact: true }).check();
		await page.keyboard.press('ArrowRight');
		assert.ok(await page.getByRole('radio', { name: '10:30', exact: true }).isChecked(), 'ArrowRight picks 10:30');
		await page.getByRole('status').filter({ hasText: /Elegido: .*10:30/ }).waitFor();
		await page.getByLabel('Nombre', { exact: true }).fill('Ana');
		await page.getByLabel('Apellido', { exact: true }).fill('Paz');
		await page.getByLabel('Correo electrónico').fill('ana@example.org');
		violations.push(...await axe(page, 'book'));
		await page.evaluate(() => window.scrollTo(0, 0));
		await shot(page, 'book');
		await fitsWidth(page, 'book');
		await page.getByRole('button', { name: 'Confirmar turno' }).click();
		await page.waitForURL(/\/book\/[0-9a-f-]{36}$/);
		await page.getByRole('heading', { name: 'Turno reservado' }).waitFor();
		const id = page.url().split('/').pop();
		const booked = await api(admin, 'GET', `/appointments/${id}`);
		assert.equal(booked.body.start, at('10:30').start, 'the time chosen is the one booked');
		await shot(page, 'book-confirmed');
		await page.getByRole('button', { name: 'Cancelar el turno' }).click();
		await page.getByRole('heading', { name: 'Turno cancelado' }).waitFor();
		await ctx.close();

		// A phone in a zone where the date is another: days and times are still the queue's.
		const hoursEast = (zone) => Math.round((new Date(new Date().toLocaleString('en-US', { timeZone: zone })) - new Date(new Date().toLocaleString('en-US', { timeZone: 'UTC' }))) / 3600000);
		const q = hoursEast(TZ);
		const o = q <= 1 ? q + 13 : q - 13;
		const away = o === 0 ? 'UTC' : o > 0 ? `Etc/GMT-${o}` : `Etc/GMT+${-o}`;
		const farCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, ignoreHTTPSErrors: true, locale: 'es-AR', baseURL: BASE, timezoneId: away });
		contexts.push(Object.assign(farCtx, { problems: [] }));
		const far = await farCtx.newPage();
		assert.notEqual(await far.evaluate(() => new Date().toLocaleDateString('sv')), today(), `${away} is on another date than ${TZ}`);
		await far.goto('/book');
		await far.getByLabel('Servicio').selectOption({ label: queue.name });
		await far.getByText('zona horaria').waitFor();
		const first = far.locator('label.chip.day').first();
		assert.equal(await first.getAttribute('data-day'), today(), 'the first day is the queue\'s today');
		assert.match(await first.textContent(), /^Hoy/);
		await far.getByLabel('Otro día').fill(tomorrow);
		await far.getByRole('radio', { name: '10:30', exact: true }).waitFor();
		// Booked from there, the confirmation (and the cancel page) says the queue's 11:00,
		// not the phone's clock, and in which zone.
		await far.getByRole('radio', { name: '11:00', exact: true }).check();
		await far.getByLabel('Nombre', { exact: true }).fill('Lía');
		await far.getByLabel('Apellido', { exact: true }).fill('Lejos');
		await far.getByLabel('Correo electrónico').fill(`${unique('lia')}@example.org`);
		await far.getByRole('button', { name: 'Confirmar turno' }).click();
		await far.getByRole('heading', { name: 'Turno reservado' }).waitFor();
		const farId = far.url().split('/').pop();
		assert.equal((await api(admin, 'GET', `/appointments/${farId}`)).body.start, at('11:00').start);
		const whenShown = async () => (await far.locator('.ap-when').textContent()).trim();
		assert.match(await whenShown(), /\b11:00\b/, 'the queue\'s time');
		assert.ok((await far.locator('main').textContent()).includes(`zona horaria ${TZ}`), 'names the zone');
		await far.reload();
		await far.getByRole('heading', { name: 'Turno reservado' }).waitFor();
		assert.match(await whenShown(), /\b11:00\b/, 'the cancel page says the same time');
		await shot(far, 'book-confirmed-away');
		await far.getByRole('button', { name: 'Cancelar el turno' }).click();
		await far.getByRole('heading', { name: 'Turno cancelado' }).waitFor();
		assert.match(await whenShown(), /\b11:00\b/);
		await farCtx.close();
	});

	it('checks in a booked appointment at the kiosk', async () => {
		// Bookings today, every 5 minutes.
		const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, from: '00:00', to: '23:59' }));
		const s = await api(admin, 'PUT', `/queues/${queue.id}/schedule`, { slot_minutes: 5, capacity: 5, weeks_ahead: 1, late_grace_minutes: 10, hours, closed_dates: [] });
		assert.equal(s.status, 200, JSON.stringify(s.body));
		assert.equal(s.body.timezone, TZ, 'the stack runs in the zone run-all.sh chose');
		// nginx caches availability for 5 s (the booking page just read today's under the old
		// schedule): asked again until the new slots show. It is about noon in the queues' time
		// zone (run-all.sh), so slots are left today.
		let slot = null, av = null;
		for (let i = 0; i < 60 && !slot; i++) {
			av = await (await fetch(`${BASE}/api/v1/public/queues/${queue.id}/availability?from=${today()}&to=${today()}`)).json();
			slot = av.slots.find((x) => x.free > 0);
			if (!slot) await new Promise((r) => setTimeout(r, 500));
		}
		assert.ok(slot, `a free slot left today: ${JSON.stringify(av)}`);
		const dni = String(Date.now() + 7).slice(-8);
		const appt = await api(admin, 'POST', '/appointments', { queue_id: queue.id, start: slot.start, priority_id: MEDIA,
			customer: { dni, first_name: 'Marta', last_name: 'Rey', phone: '555-0199' } });
		assert.equal(appt.status, 201, JSON.stringify(appt.body));

		const ctx = await newCtx({ width: 390, height: 844 });
		const page = await ctx.newPage();
		await signIn(page, users.receptionist.user_name, PASS);
		await page.waitForURL('**/kiosk');
		await page.getByLabel('Buscar por DNI o nombre').fill(dni);
		await page.getByRole('button', { name: 'Buscar', exact: true }).click();
		await page.getByRole('button', { name: 'Elegir a Marta Rey' }).click();
		await page.getByRole('heading', { name: 'Turnos reservados para hoy' }).waitFor();
		// Marta has a phone and no email.
		assert.ok(await page.getByRole('checkbox', { name: 'Avisar por correo' }).isDisabled());
		assert.ok(await page.getByRole('checkbox', { name: 'Avisar por SMS' }).isEnabled());
		const checkIn = page.getByRole('button', { name: /^Registrar llegada/ });
		assert.equal(await checkIn.count(), 1);
		violations.push(...await axe(page, 'kiosk-appointment'));
		await shot(page, 'kiosk-appointment');
		await fitsWidth(page, 'kiosk-appointment');
		await checkIn.click();
		const code = (await page.locator('#slip-code').textContent()).trim();
		const after = await api(admin, 'GET', `/appointments/${appt.body.id}`);
		assert.equal(after.body.status, 'checked_in');
		const tk = await api(admin, 'GET', `/tickets/${after.body.ticket_id}`);
		assert.equal(tk.body.code, code, 'the slip is the check-in\'s ticket');
		assert.equal(tk.body.queue_id, queue.id);
		// The wait is said in whole minutes, and one that rounds to none is "menos de 1 min".
		const wait = (await page.locator('.slip-facts div').filter({ hasText: 'Espera estimada' }).locator('dd').textContent()).trim();
		assert.ok(!/(^|\D)0 min|entre 0 /.test(wait), `no "0 min" wait: ${wait}`);
		const r = tk.body.estimated_wait_range;
		if (r ? Math.round(r.high / 60) === 0 : Math.round(tk.body.estimated_wait_seconds / 60) === 0)
			assert.equal(wait, 'menos de 1 min');
		await shot(page, 'kiosk-checked-in');
		await ctx.close();
	});

	it('administers the office: a queue with its schedule and a desk, a CSV import, a permission', async () => {
		const ctx = await newCtx();
		const page = await ctx.newPage();
		await signIn(page, 'admin', ADMIN_PASSWORD);
		await page.waitForURL('**/admin');
		const panel = page.getByRole('tabpanel');
		const form = panel.getByRole('form', { name: 'Agregar' });

		// A queue serving Baja, then its schedule.
		await page.getByRole('tab', { name: 'Filas' }).click();
		const qname = unique('Rentas ');
		await form.getByLabel('Nombre', { exact: true }).fill(qname);
		await form.getByLabel('Prefijo').fill('R');
		await form.getByRole('checkbox', { name: 'Baja' }).check();
		await form.getByRole('button', { name: 'Agregar' }).click();
		await form.getByRole('status').filter({ hasText: 'Agregado.' }).waitFor();
		const created = (await api(admin, 'GET', '/queues?limit=500')).body.items.find((q) => q.name === qname);
		assert.ok(created, 'the queue exists');
		assert.deepEqual(created.priority_ids, [BAJA]);
		await panel.getByRole('button', { name: `Detalles de ${qname}` }).click();
		const sched = panel.getByRole('region', { name: `Agenda de ${qname}` });
		await sched.getByLabel('Duración del turno (min)').fill('20');
		// No hours yet, said in words; each row's fields are named with their row.
		await sched.getByText('Sin horarios: esta fila no toma reservas.').waitFor();
		await sched.getByRole('button', { name: 'Agregar horario' }).click();
		await sched.getByRole('button', { name: 'Agregar horario' }).click();
		await sched.getByLabel('Día (horario 2)', { exact: true }).waitFor();
		await sched.getByRole('button', { name: 'Quitar el horario 2' }).click();
		assert.equal(await sched.getByLabel('Día (horario 2)', { exact: true }).count(), 0);
		await sched.getByLabel('Día (horario 1)', { exact: true }).selectOption({ label: 'Martes' });
		await sched.getByLabel('Desde (horario 1)', { exact: true }).fill('08:30');
		await sched.getByLabel('Hasta (horario 1)', { exact: true }).fill('12:30');
		violations.push(...await axe(page, 'admin-queues'));
		await rowsLevel(page, 'admin-queue-schedule');
		await shot(page, 'admin-queue-schedule');
		await sched.getByRole('button', { name: 'Guardar agenda' }).click();
		await sched.getByRole('status').filter({ hasText: 'Guardado.' }).waitFor();
		const sc = await api(admin, 'GET', `/queues/${created.id}/schedule`);
		assert.equal(sc.body.slot_minutes, 20);
		assert.deepEqual(sc.body.hours, [{ weekday: 2, from: '08:30', to: '12:30' }]);

		// A desk of that queue.
		await page.getByRole('tab', { name: 'Puestos' }).click();
		await form.getByLabel('Nombre', { exact: true }).fill('Box 7');
		await form.getByLabel('Fila', { exact: true }).selectOption({ label: qname });
		await form.getByRole('button', { name: 'Agregar' }).click();
		await form.getByRole('status').filter({ hasText: 'Agregado.' }).waitFor();
		await panel.getByRole('cell', { name: 'Box 7', exact: true }).waitFor();
		const ds = await api(admin, 'GET', `/desks?queue_id=${created.id}`);
		assert.deepEqual(ds.body.items.map((d) => d.name), ['Box 7']);
		violations.push(...await axe(page, 'admin-desks'));

		// A CSV with one bad line (line 3: no last name): the good ones are saved.
		await page.getByRole('tab', { name: 'Personas' }).click();
		const csv = 'dni,first_name,last_name,phone,email\r\n70111222,Julia,Mar,,julia@example.org\r\n70111223,Tomás,,,\r\n70111224,Inés,Río,555-0123,\r\n';
		await panel.getByLabel('Archivo CSV').setInputFiles({ name: 'personas.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
		await panel.getByRole('button', { name: 'Importar' }).click();
		const result = panel.getByRole('status').filter({ hasText: '2 nuevas, 0 actualizadas, 1 con errores.' });
		await result.waitFor();
		const bad = result.getByRole('table', { name: 'Líneas con errores' }).getByRole('row').filter({ hasText: 'last_name' });
		assert.equal((await bad.getByRole('cell').first().textContent()).trim(), '3');
		assert.equal((await api(admin, 'GET', '/customers?dni=70111224')).body.total, 1);
		assert.equal((await api(admin, 'GET', '/customers?dni=70111223')).body.total, 0);
		violations.push(...await axe(page, 'admin-import'));
		await rowsLevel(page, 'admin-import');
		await shot(page, 'admin-import');

		// The permission matrix: display may read reports, then not again.
		await page.getByRole('tab', { name: 'Roles' }).click();
		await panel.getByRole('button', { name: 'Detalles de display' }).click();
		const reportsRead = panel.getByRole('checkbox', { name: 'Informes: Ver' });
		await reportsRead.waitFor();
		assert.equal(await reportsRead.isChecked(), false);
		const perms = async () => (await api(admin, 'GET', `/roles/${ROLES.display}/permissions`)).body.permissions
			.some((p) => p.module === 'reports' && p.action === 'read');
		await reportsRead.check();
		await panel.getByRole('button', { name: 'Guardar permisos' }).click();
		await panel.getByRole('status').filter({ hasText: 'Guardado.' }).waitFor();
		assert.equal(await perms(), true);
		await reportsRead.uncheck();
		await panel.getByRole('button', { name: 'Guardar permisos' }).click();
		for (let i = 0; i < 50 && await perms(); i++) await new Promise((r) => setTimeout(r, 100));
		assert.equal(await perms(), false);

		// Reports: per desk (the call at Ventanilla 3 was served) and the appointments of today.
		await page.goto('/reports');
		const byDesk = page.getByRole('region', { name: 'Por puesto' }).getByRole('row').filter({ hasText: 'Ventanilla 3' });
		await byDesk.waitFor();
		const deskCells = await byDesk.getByRole('cell').allTextContents();
		assert.ok(Number(deskCells[1]) >= 1, `served at Ventanilla 3: ${deskCells}`);
		const byAppt = page.getByRole('region', { name: 'Turnos reservados' }).getByRole('row').filter({ hasText: queue.name });
		await byAppt.waitFor();
		const apptCells = await byAppt.getByRole('cell').allTextContents();
		assert.equal(apptCells[1], '1', `checked in today: ${apptCells}`);
		violations.push(...await axe(page, 'reports'));
		await headersLevel(page, 'reports');
		await shot(page, 'reports');
		// On a phone: nothing wider than the screen but the tables, which scroll sideways in
		// their box and say so; the chart as wide as the screen.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.getByText('deslice la tabla hacia los lados').first().waitFor();
		await fitsWidth(page, 'reports-phone');
		const chart = await page.locator('.chart canvas').first().boundingBox();
		assert.ok(chart && chart.x >= 0 && chart.x + chart.width <= 390, `the chart fits the phone: ${JSON.stringify(chart)}`);
		const wrap = page.getByRole('region', { name: 'Por fila' }).locator('.table-wrap');
		assert.equal(await wrap.getAttribute('tabindex'), '0', 'the scrolling table takes the focus (keyboard scrolling)');
		violations.push(...await axe(page, 'reports-phone'));
		// The report tables (the page's only ones) keep each header on one line on a phone:
		// a wrapped one left an empty band above the others.
		const heads = (await headersLevel(page, 'reports-phone')).flat();
		assert.ok(heads.length > 0, 'report tables on the phone');
		assert.deepEqual(heads.filter((th) => th.lines > 1), [], 'headers of report tables on one line');
		await touchTargets(page, 'reports-phone');
		await page.getByRole('heading', { name: 'Por fila' }).scrollIntoViewIfNeeded();
		await page.evaluate(() => window.scrollBy(0, -60));
		await shot(page, 'reports-phone');
		await page.screenshot({ path: `${ARTIFACTS}/reports-phone-full.png`, fullPage: true });
		// ... and back on the PC the tables fit without a hint.
		await page.setViewportSize({ width: 1366, height: 768 });
		await page.getByText('deslice la tabla hacia los lados').first().waitFor({ state: 'hidden' });

		// Admin on a phone: each row of a list is a card, each value named by its column.
		await page.setViewportSize({ width: 390, height: 844 });
		await page.goto('/admin');
		await page.getByRole('tab', { name: 'Filas' }).click();
		const general = page.getByRole('tabpanel').getByRole('row').filter({ hasText: queue.name }).first();
		await general.waitFor();
		const cells = await general.getByRole('cell').evaluateAll((tds) => tds.map((td) => ({
			label: getComputedStyle(td, '::before').content, right: td.getBoundingClientRect().right, top: td.getBoundingClientRect().top })));
		assert.equal(cells[0].label, '"Nombre"', JSON.stringify(cells));
		assert.ok(cells.every((c) => c.right <= 390) && cells[1].top > cells[0].top, `one value under the other: ${JSON.stringify(cells)}`);
		await fitsWidth(page, 'admin-phone');
		await touchTargets(page, 'admin-phone');
		violations.push(...await axe(page, 'admin-phone'));
		await shot(page, 'admin-phone');
		await page.screenshot({ path: `${ARTIFACTS}/admin-phone-full.png`, fullPage: true });
		await page.getByRole('button', { name: `Detalles de ${queue.name}` }).click();
		await page.getByRole('region', { name: `Agenda de ${queue.name}` }).waitFor();
		await fitsWidth(page, 'admin-phone-schedule');
		await ctx.close();
	});

	it('keeps the board live through a restart of the workers and of nginx', async () => {
		const att = await token(users.attendant.user_name, PASS);
		// A call at the queue without a desk, shown beside the desks; it reaches the board
		// through the stream, which nginx holds while the workers restart.
		async function callWithoutDesk() {
			const tk = await api(admin, 'POST', '/tickets', { priority_id: MEDIA, queue_id: queue.id, customer: { first_name: 'Leo', last_name: 'Sol' } });
			assert.equal(tk.status, 201, JSON.stringify(tk.body));
			const before = await sseEvents(board);
			const called = await api(att, 'POST', `/queues/${queue.id}/call-next`);
			assert.equal(called.status, 200, JSON.stringify(called.body));
			assert.equal(called.body.desk_id ?? null, null);
			await board.getByRole('region', { name: queue.name }).locator('li.bd-loose').filter({ hasText: called.body.code })
				.waitFor({ timeout: 15000 });
			assert.equal(await transport(board), 'sse');
			assert.ok(await sseEvents(board) > before, 'by SSE');
			return called.body.code;
		}

		// While no worker answers, the board keeps its stream and what it shows.
		const section = board.getByRole('region', { name: queue.name });
		const shown = await section.innerText();
		stack('fcgi-stop');
		try {
			await board.waitForTimeout(3000);
			assert.equal(await section.innerText(), shown);
			assert.equal(await transport(board), 'sse');
		} finally {
			stack('fcgi-start');
		}
		const code = await callWithoutDesk();
		// Said with the queue as the place.
		await board.waitForFunction((text) => window.turneroSpeechLog.some((e) => e.text === text), `Turno ${spoken(code)}, General`, { timeout: 10000 });
		// The customer's phone tells them to come to the queue (no desk called them).
		const looseTicket = (await api(admin, 'GET', `/tickets?queue_id=${queue.id}&status=called`)).body.items.find((x) => x.code === code);
		assert.ok(looseTicket, 'the desk-less call is a called ticket');
		const looseCtx = await newCtx({ width: 390, height: 844 });
		const loosePhone = await looseCtx.newPage();
		await loosePhone.goto(`/t/${looseTicket.id}`);
		await loosePhone.getByRole('status').filter({ hasText: `Acérquese a ${queue.name}` }).waitFor();
		assert.equal((await loosePhone.locator('.tk-where').textContent()).trim(), queue.name);
		await looseCtx.close();

		// nginx away: the stream drops, the board says so and comes back by itself.
		stack('nginx-stop');
		try {
			await board.getByText('Reconectando…').first().waitFor({ timeout: 20000 });
			assert.equal(await transport(board), 'reconnecting');
			await board.getByRole('status').filter({ hasText: 'Sin conexión con el servidor. Reintentando…' }).waitFor({ timeout: 20000 });
			await shot(board, 'board-reconnecting');
		} finally {
			stack('nginx-start');
		}
		await board.getByText('Reconectando…').first().waitFor({ state: 'hidden', timeout: 40000 });
		await board.getByText('Sin conexión con el servidor').waitFor({ state: 'hidden', timeout: 40000 });
		await board.waitForFunction(() => document.querySelector('main.board')?.dataset.transport === 'sse', null, { timeout: 20000 });
		const before = await sseEvents(board);
		const r = await api(admin, 'POST', `/desks/${desks['Ventanilla 4'].id}/call-next`);
		assert.equal(r.status, 200, JSON.stringify(r.body));
		await board.locator('li[data-desk="Ventanilla 4"]').filter({ hasText: r.body.code }).waitFor({ timeout: 15000 });
		assert.ok(await sseEvents(board) > before, 'by SSE after nginx came back');
		// The desk's call is now the queue's latest; the earlier call without a desk is still
		// called, so it stays on the board beside the desks (and Ventanilla 3 keeps its own).
		const gen = board.getByRole('region', { name: queue.name });
		assert.equal((await gen.locator('li.bd-loose .bd-code').textContent()).trim(), code);
		const b = await api(admin, 'GET', '/board');
		const bq = b.body.queues.find((q) => q.queue_id === queue.id);
		assert.equal(bq.serving.code, r.body.code, 'serving is the latest call');
		assert.equal(bq.serving_without_desk.code, code);
		for (const d of bq.desks) {
			const shownAt = (await gen.locator(`li[data-desk="${d.name}"] .bd-code`).textContent()).trim();
			assert.equal(shownAt, d.serving ? d.serving.code : '—', `${d.name} shows its call`);
		}
		// Served, it leaves the board.
		const served = await api(admin, 'POST', `/tickets/${looseTicket.id}/serve`);
		assert.equal(served.status, 200, JSON.stringify(served.body));
		await gen.locator('li.bd-loose').waitFor({ state: 'detached', timeout: 15000 });
	});

	it('says so when the workers are away and recovers by itself; a retried issue returns the first ticket', async () => {
		const ctx = await newCtx({ width: 1280, height: 800 });
		const page = await ctx.newPage();
		await signIn(page, users.receptionist.user_name, PASS);
		await page.waitForURL('**/kiosk');
		const dni = String(Date.now() + 11).slice(-8);
		await page.getByRole('button', { name: 'Persona nueva' }).click();
		await page.getByLabel('Nombre', { exact: true }).fill('Olga');
		await page.getByLabel('Apellido', { exact: true }).fill('Mar');
		await page.getByLabel('DNI', { exact: true }).fill(dni);
		await page.getByRole('button', { name: /Media/ }).click();
		const keys = [];
		page.on('request', (r) => {
			if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/tickets') keys.push(r.headers()['idempotency-key']);
		});
		const issue = page.getByRole('button', { name: 'Dar turno' });
		const offline = (p) => p.getByRole('status').filter({ hasText: 'Sin conexión con el servidor. Reintentando…' });
		const tickets = async () => {
			const c = (await api(admin, 'GET', `/customers?dni=${dni}`)).body.items[0];
			return c ? (await api(admin, 'GET', `/tickets?customer_id=${c.id}`)).body.items : [];
		};

		stack('fcgi-stop');
		try {
			// The kiosk and the counter say it in words; nothing is issued.
			await issue.click();
			await page.getByRole('alert').filter({ hasText: 'No hay conexión con el servidor' }).waitFor();
			await offline(page).waitFor();
			await counter.keyboard.press('n');
			await offline(counter).waitFor();
			await counter.getByRole('alert').filter({ hasText: 'No hay conexión con el servidor' }).waitFor();
			// A counter PC restarted meanwhile waits for the server (its session kept), not at sign-in.
			await counter.reload();
			await offline(counter).waitFor();
			assert.match(counter.url(), /\/counter$/);
			violations.push(...await axe(page, 'kiosk-offline'));
			await shot(page, 'kiosk-offline');
		} finally {
			stack('fcgi-start');
		}
		await poolHealthy();
		// Both come back by themselves, without a reload.
		await offline(page).waitFor({ state: 'hidden', timeout: 40000 });
		await counter.getByText('Atendiendo en Ventanilla 3').waitFor({ timeout: 40000 });
		await offline(counter).waitFor({ state: 'hidden', timeout: 40000 });
		assert.match(counter.url(), /\/counter$/);
		assert.deepEqual(await tickets(), [], 'nothing issued while the workers were away');

		// The next answer is lost on the way back (the ticket is issued, the kiosk hears
		// nothing): the retry sends the same Idempotency-Key and gets that ticket, not a second.
		let lost = 0;
		await page.route('**/api/v1/tickets', async (route) => {
			if (route.request().method() !== 'POST' || lost) return route.fallback();
			lost++;
			await route.fetch();
			await route.abort('connectionreset');
		});
		await issue.click();
		await page.getByRole('alert').filter({ hasText: /No hay conexión con el servidor|La conexión volvió/ }).waitFor();
		assert.equal(lost, 1);
		const first = await tickets();
		assert.equal(first.length, 1, 'the lost answer\'s ticket was issued');
		await offline(page).waitFor({ state: 'hidden', timeout: 40000 });
		await page.getByRole('alert').filter({ hasText: 'La conexión volvió. Inténtelo de nuevo.' }).waitFor();
		await issue.click();
		const code = (await page.locator('#slip-code').textContent()).trim();
		assert.equal(code, first[0].code, 'the retry shows the ticket the first attempt issued');
		assert.equal((await tickets()).length, 1, 'one ticket, however many attempts');
		assert.equal(keys.length, 3);
		assert.ok(keys[0] && keys.every((k) => k === keys[0]), `one Idempotency-Key for the attempts: ${keys}`);
		await ctx.close();
	});

	it('keeps a counter signed in for hours, and sends it to sign-in with a message once its session is revoked', async () => {
		const ctx = await newCtx();
		// The page's clock, moved forward by the test: hours pass in seconds.
		await ctx.clock.install();
		const page = await ctx.newPage();
		await signIn(page, users.attendant.user_name, PASS);
		await page.waitForURL('**/counter');
		await page.getByText('Atendiendo en Ventanilla 3').waitFor();
		const stored = () => page.evaluate(() => sessionStorage.getItem('turnero.refresh'));
		// What the page asked the token endpoint and what it answered (said when a step fails).
		const grants = [];
		page.on('response', (res) => {
			if (new URL(res.url()).pathname === '/api/v1/auth/token') grants.push(res.status());
		});
		// Three refreshes (tokens last 15 minutes): refreshed before each expiry, the counter
		// keeps working.
		let rt = await stored();
		// (Polled from here: the page's own timers run on the test's clock.)
		const until = async (fn, what) => {
			for (let i = 0; i < 600; i++) {
				if (await fn()) return;
				await new Promise((res) => setTimeout(res, 100));
			}
			assert.fail(`never happened: ${what} (at ${page.url()}; token answers ${grants}; refresh token ${await stored() ? 'kept' : 'gone'})`);
		};
		// Two minutes of the page's time at a step, until what is awaited happens (within
		// the 15 minutes a token lasts, and then some).
		const age = async (done, what) => {
			for (let step = 0; step < 10; step++) {
				await page.clock.fastForward('02:00');
				for (let i = 0; i < 10; i++) {
					if (await done()) return;
					await new Promise((res) => setTimeout(res, 100));
				}
			}
			await until(done, what);
		};
		for (let i = 0; i < 3; i++) {
			await age(async () => { const v = await stored(); return v && v !== rt; }, `refresh ${i + 1}`);
			rt = await stored();
		}
		const r = await api(admin, 'POST', '/tickets', { priority_id: MEDIA, queue_id: queue.id, customer: { first_name: 'Hora', last_name: 'Larga' } });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		await page.getByRole('table').getByText(r.body.code).waitFor({ timeout: 15000 });
		assert.match(page.url(), /\/counter$/);

		// Signed out elsewhere (the refresh token revoked): at its next refresh the page goes
		// to sign-in and says why, no raw error; signing in brings the counter back.
		const att = await token(users.attendant.user_name, PASS);
		const out = await fetch(`${BASE}/api/v1/auth/logout`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${att}`, 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ refresh_token: rt }),
		});
		assert.equal(out.status, 204, await out.text());
		await age(async () => /\/login\?next=%2Fcounter$/.test(page.url()), 'sent to sign-in');
		await page.getByRole('status').filter({ hasText: 'Su sesión terminó. Ingrese de nuevo para seguir.' }).waitFor();
		const text = await page.locator('main').textContent();
		assert.ok(!/invalid_grant|refresh|token|HTTP \d/i.test(text), `no raw error: ${text}`);
		assert.equal(await stored(), null, 'the dead refresh token is dropped');
		violations.push(...await axe(page, 'login-ended'));
		await page.screenshot({ path: `${ARTIFACTS}/login-session-ended.png` });
		await page.getByLabel('Usuario', { exact: true }).fill(users.attendant.user_name);
		await page.getByLabel('Contraseña', { exact: true }).fill(PASS);
		await page.getByRole('button', { name: 'Ingresar' }).click();
		await page.waitForURL('**/counter');
		await page.getByText('Atendiendo en Ventanilla 3').waitFor();
		await ctx.close();
	});

	it('runs the counter: out of order, recall, no-show, transfer, requeue, each said in words', async () => {
		// A second queue for Media, where General's tickets can be sent.
		const lab = await makeQueue('Laboratorio', 'L', MEDIA);
		await counter.reload();
		await counter.getByText('Atendiendo en Ventanilla 3').waitFor();
		const codes = {};
		const ids = {};
		for (const name of ['X', 'Y', 'Z']) {
			const r = await api(admin, 'POST', '/tickets', { priority_id: MEDIA, queue_id: queue.id, customer: { first_name: name, last_name: 'Counter' } });
			assert.equal(r.status, 201, JSON.stringify(r.body));
			codes[name] = r.body.code;
			ids[name] = r.body.id;
		}
		const table = counter.getByRole('table');
		await table.getByRole('row').filter({ hasText: codes.Z }).waitFor({ timeout: 10000 });
		const status = (text) => counter.getByRole('status').filter({ hasText: text });
		const ticket = async (name) => (await api(admin, 'GET', `/tickets/${ids[name]}`)).body;
		const settled = () => counter.locator('main:not([aria-busy])').waitFor();

		// X out of order, at this desk; then recalled.
		await counter.getByRole('button', { name: `Llamar a ${codes.X} fuera de orden` }).click();
		await counter.locator('.now-code').filter({ hasText: codes.X }).waitFor();
		assert.equal((await ticket('X')).desk_name, 'Ventanilla 3');
		// The board says it, and says it again on the recall.
		const sayX = `Turno ${spoken(codes.X)}, Ventanilla tres`;
		const said = (text) => board.evaluate((x) => window.turneroSpeechLog.filter((e) => e.text === x).length, text);
		await board.waitForFunction((x) => window.turneroSpeechLog.some((e) => e.text === x), sayX, { timeout: 10000 });
		assert.equal(await said(sayX), 1);
		await settled();
		await counter.keyboard.press('r');
		await status(`${codes.X} llamado otra vez.`).waitFor();
		await board.waitForFunction((x) => window.turneroSpeechLog.filter((e) => e.text === x).length === 2, sayX, { timeout: 10000 });
		const events = (await api(admin, 'GET', `/tickets/${ids.X}/events`)).body.map((e) => e.event);
		assert.ok(events.includes('recalled'), `events: ${events}`);
		// Not there: no-show, and nobody is called here any more.
		await settled();
		await counter.keyboard.press('x');
		await status(`${codes.X}: no se presentó.`).waitFor();
		assert.equal((await ticket('X')).status, 'no_show');
		await counter.getByText('Nadie llamado todavía.').waitFor();

		// Y to another queue: it waits there and leaves this list.
		await counter.getByRole('button', { name: `Llamar a ${codes.Y} fuera de orden` }).click();
		await counter.locator('.now-code').filter({ hasText: codes.Y }).waitFor();
		await settled();
		// Only the queues that serve Y's priority are offered.
		const offered = await counter.getByLabel('Transferir a la fila').locator('option').allTextContents();
		assert.ok(offered.includes(lab.name) && !offered.includes(others[0].name) && !offered.includes(others[1].name), `offered: ${offered}`);
		await counter.getByLabel('Transferir a la fila').selectOption({ label: lab.name });
		await counter.getByRole('button', { name: 'Transferir', exact: true }).click();
		await status(`${codes.Y} transferido a ${lab.name}.`).waitFor();
		const y = await ticket('Y');
		assert.equal(y.queue_id, lab.id);
		assert.equal(y.status, 'waiting');
		assert.equal(await counter.getByLabel('Transferir a la fila').inputValue(), '', 'the target is picked again next time');
		await table.getByRole('row').filter({ hasText: codes.Y }).waitFor({ state: 'detached', timeout: 10000 });

		// Z called and put back in its place.
		await counter.getByRole('button', { name: `Llamar a ${codes.Z} fuera de orden` }).click();
		await counter.locator('.now-code').filter({ hasText: codes.Z }).waitFor();
		await settled();
		await counter.keyboard.press('q');
		await status(`${codes.Z} volvió a la fila.`).waitFor();
		assert.equal((await ticket('Z')).status, 'waiting');
		await table.getByRole('row').filter({ hasText: codes.Z }).waitFor({ timeout: 10000 });
		violations.push(...await axe(counter, 'counter-steps'));

		// The TV now shows five queues (one got Y): still all on the screen, nothing cut off.
		await board.getByRole('region', { name: lab.name }).getByText(codes.Y).waitFor({ timeout: 15000 });
		assert.ok((await board.getByRole('region').count()) >= 5);
		const overflow = await board.evaluate(() => document.documentElement.scrollHeight > window.innerHeight || document.documentElement.scrollWidth > window.innerWidth);
		assert.equal(overflow, false, 'five queues fit the TV');
		// Y went to another queue and Z back to its place: the last-call banner sends nobody
		// to Ventanilla 3 for them any more (it shows a call still on, or nothing).
		await board.waitForFunction((gone) => {
			const code = document.querySelector('.board-last .bl-code');
			return !code || !gone.includes(code.textContent);
		}, [codes.Y, codes.Z], { timeout: 10000 });
		const last = await board.locator('.board-last').boundingBox();
		assert.ok(!last || last.y + last.height <= 1080, `the last call is on the screen: ${JSON.stringify(last)}`);
		await shot(board, 'board-five-queues');
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
