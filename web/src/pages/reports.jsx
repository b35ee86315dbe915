// Reports by date range: tables, a chart of waits per queue, CSV export.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { call, ApiError } from '../api.js';
import { report, appointmentsReport } from '../endpoints.js';
import { t, lang, locale } from '../i18n.js';
import { useStore } from '../store.js';
import { StaffHeader, ErrorBox, Field, ScrollWrap } from '../ui.jsx';

const today = () => new Date().toLocaleDateString('sv');
// Minutes with one decimal, written as the page's language writes numbers (as the chart does).
const mins = (s) => (s == null ? '—' : (s / 60).toLocaleString(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
const pct = (p) => (p == null ? '—' : `${Math.round(p)} %`);

const FIGURES = [
	['issued', (r) => r.issued], ['served', (r) => r.served], ['no_show', (r) => r.no_show],
	['cancelled', (r) => r.cancelled], ['expired', (r) => r.expired],
	['avg_wait', (r) => mins(r.avg_wait_seconds)], ['p90_wait', (r) => mins(r.p90_wait_seconds)],
	['avg_service', (r) => mins(r.avg_service_seconds)], ['sla', (r) => pct(r.sla_met_pct)],
];
const REPORTS = [
	{ key: 'queues', name: (r) => r.name, cols: FIGURES },
	{ key: 'attendants', name: (r) => r.user_name, cols: FIGURES },
	{ key: 'priorities', name: (r) => r.name, cols: FIGURES },
	{ key: 'desks', name: (r) => r.name, cols: FIGURES },
	{ key: 'appointments', name: (r) => r.name, cols: [['booked', (r) => r.booked], ['checked_in', (r) => r.checked_in],
		['cancelled', (r) => r.cancelled], ['no_show', (r) => r.no_show], ['on_time', (r) => pct(r.on_time_pct)]] },
];

export function Reports() {
	useStore(lang);
	const [from, setFrom] = useState(today());
	const [to, setTo] = useState(today());
	const [range, setRange] = useState({ from: today(), to: today() });
	const [data, setData] = useState({});
	const [error, setError] = useState(null);
	const [csvError, setCsvError] = useState(null);

	useEffect(() => {
		let alive = true;
		setError(null);
		Promise.all(REPORTS.map((r) => (r.key === 'appointments' ? appointmentsReport(range.from, range.to) : report(r.key, range.from, range.to))
			.then((d) => [r.key, d], (e) => {
				if (e instanceof ApiError && e.status === 404 && r.key !== 'queues') return [r.key, null];
				throw e;
			})))
			.then((pairs) => alive && setData(Object.fromEntries(pairs)), (e) => alive && setError(e));
		return () => { alive = false; };
	}, [range.from, range.to]);

	async function exportCsv() {
		setCsvError(null);
		try {
			const res = await call('GET', `/reports/tickets.csv?from=${range.from}&to=${range.to}`, undefined, { raw: true, headers: { Accept: 'text/csv' } });
			const blob = await res.blob();
			const url = URL.createObjectURL(blob);
			const a = document.createElement('a');
			a.href = url;
			a.download = `tickets-${range.from}-${range.to}.csv`;
			document.body.appendChild(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(url), 10000);
		} catch (e) {
			setCsvError(e);
		}
	}

	return (
		<>
			<StaffHeader title={t('reports.title')} />
			<main class="page reports">
				<form class="row card" onSubmit={(e) => { e.preventDefault(); setRange({ from, to }); }} aria-label={t('reports.range')}>
					<Field label={t('reports.from')} name="from" type="date" value={from} onInput={setFrom} error={error?.fields?.from} />
					<Field label={t('reports.to')} name="to" type="date" value={to} onInput={setTo} error={error?.fields?.to} />
					<button type="submit" class="primary">{t('reports.show')}</button>
					<button type="button" onClick={exportCsv}>{t('reports.csv')}</button>
				</form>
				<ErrorBox error={error || csvError} />
				{data.queues && <WaitChart items={data.queues.items} />}
				{REPORTS.map((r) => data[r.key] && (
					<section class="card" aria-labelledby={`rp-${r.key}`}>
						<h2 id={`rp-${r.key}`}>{t(`reports.${r.key}`)}</h2>
						{data[r.key].items.length === 0 ? <p class="muted">{t('reports.empty')}</p> : (
							<ScrollWrap>
								<table class="figures">
									<thead><tr><th scope="col">{t('admin.name')}</th>{r.cols.map(([k]) => <th scope="col" class="num">{t(`fig.${k}`)}</th>)}</tr></thead>
									<tbody>{data[r.key].items.map((row) => (
										<tr><th scope="row">{r.name(row)}</th>{r.cols.map(([, f]) => <td class="num">{f(row)}</td>)}</tr>
									))}</tbody>
								</table>
							</ScrollWrap>
						)}
					</section>
				))}
			</main>
		</>
	);
}

// Average and p90 wait per queue, as bars.
function WaitChart({ items }) {
	const ref = useRef(null);
	useEffect(() => {
		if (!ref.current || items.length === 0) return undefined;
		const xs = items.map((_, i) => i);
		// Two bars per queue, side by side (left of the tick: average, right: p90), from 0.
		const bars = uPlot.paths.bars({ size: [0.35, 60], align: -1 });
		const width = () => Math.min(ref.current.clientWidth || 800, 1100);
		const plot = new uPlot({
			width: width(), height: 260,
			title: t('reports.chart'),
			scales: { x: { time: false, range: [-0.6, items.length - 0.4] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.15)] } },
			legend: { live: false },
			axes: [{ values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? items[v]?.name ?? '' : '')), splits: () => xs },
				{ label: t('reports.minutes') }],
			series: [{ label: t('admin.name') }, { label: t('fig.avg_wait'), fill: '#2563ebcc', stroke: '#1d4ed8', paths: bars },
				{ label: t('fig.p90_wait'), fill: '#f59e0bcc', stroke: '#b45309', paths: uPlot.paths.bars({ size: [0.35, 60], align: 1 }) }],
		}, [xs, items.map((r) => (r.avg_wait_seconds ?? 0) / 60), items.map((r) => (r.p90_wait_seconds ?? 0) / 60)], ref.current);
		// As wide as its card, also after the window changes (a phone turned, a resized window).
		const ro = new ResizeObserver(() => {
			if (ref.current && Math.abs(plot.width - width()) > 1) plot.setSize({ width: width(), height: 260 });
		});
		ro.observe(ref.current);
		return () => {
			ro.disconnect();
			plot.destroy();
		};
	}, [items, lang.get()]);
	if (items.length === 0) return null;
	return <figure class="card chart"><div ref={ref} role="img" aria-label={t('reports.chart')} /></figure>;
}
