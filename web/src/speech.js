// The board's announcements: a chime (WebAudio, no file) and the call spoken with
// speechSynthesis in the UI language ("Turno A cero cero siete, ventanilla tres").
// Calls are queued, so none cuts off another; window.turneroSpeechLog records them.

const WORDS = {
	es: {
		units: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez',
			'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho', 'diecinueve', 'veinte',
			'veintiuno', 'veintidós', 'veintitrés', 'veinticuatro', 'veinticinco', 'veintiséis', 'veintisiete',
			'veintiocho', 'veintinueve'],
		tens: { 3: 'treinta', 4: 'cuarenta', 5: 'cincuenta', 6: 'sesenta', 7: 'setenta', 8: 'ochenta', 9: 'noventa' },
		join: ' y ',
		call: 'Turno {code}, {place}',
	},
	en: {
		units: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
			'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'],
		tens: { 2: 'twenty', 3: 'thirty', 4: 'forty', 5: 'fifty', 6: 'sixty', 7: 'seventy', 8: 'eighty', 9: 'ninety' },
		join: '-',
		call: 'Ticket {code}, {place}',
	},
	pt: {
		units: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove', 'dez',
			'onze', 'doze', 'treze', 'catorze', 'quinze', 'dezesseis', 'dezessete', 'dezoito', 'dezenove'],
		tens: { 2: 'vinte', 3: 'trinta', 4: 'quarenta', 5: 'cinquenta', 6: 'sessenta', 7: 'setenta', 8: 'oitenta', 9: 'noventa' },
		join: ' e ',
		call: 'Senha {code}, {place}',
	},
};
const VOICE_LANG = { es: 'es-ES', en: 'en-GB', pt: 'pt-BR' };

// 0-99 in words; larger numbers digit by digit.
export function numberWords(n, lang) {
	const w = WORDS[lang] || WORDS.es;
	if (n < w.units.length) return w.units[n];
	if (n < 100) {
		const ten = w.tens[Math.floor(n / 10)];
		return n % 10 ? ten + w.join + w.units[n % 10] : ten;
	}
	return String(n).split('').map((d) => w.units[+d]).join(' ');
}

// "A-007" -> "A cero cero siete": the letters as they are, every digit in words.
export function spellCode(code, lang) {
	const w = WORDS[lang] || WORDS.es;
	const [prefix, digits = ''] = String(code).split('-');
	return [prefix.split('').join(' '), ...digits.split('').map((d) => w.units[+d] ?? d)].join(' ').trim();
}

// "Ventanilla 3" -> "Ventanilla tres": numbers in a desk or queue name read as words.
export function sayName(name, lang) {
	return String(name).replace(/\d+/g, (m) => ' ' + numberWords(parseInt(m, 10), lang) + ' ').replace(/\s+/g, ' ').trim();
}

export function callText(code, place, lang) {
	const w = WORDS[lang] || WORDS.es;
	return w.call.replace('{code}', spellCode(code, lang)).replace('{place}', sayName(place, lang));
}

let audio = null;
export function chime() {
	try {
		audio = audio || new (window.AudioContext || window.webkitAudioContext)();
		if (audio.state === 'suspended') audio.resume();
		const t0 = audio.currentTime + 0.02;
		[[880, 0], [660, 0.35]].forEach(([f, dt]) => {
			const o = audio.createOscillator();
			const g = audio.createGain();
			o.type = 'sine';
			o.frequency.value = f;
			g.gain.setValueAtTime(0.0001, t0 + dt);
			g.gain.exponentialRampToValueAtTime(0.4, t0 + dt + 0.03);
			g.gain.exponentialRampToValueAtTime(0.0001, t0 + dt + 0.6);
			o.connect(g).connect(audio.destination);
			o.start(t0 + dt);
			o.stop(t0 + dt + 0.65);
		});
	} catch (_) { /* no audio on this device */ }
}

window.turneroSpeechLog = window.turneroSpeechLog || [];
const pending = [];
let busy = false;
export const speechState = { onChange: () => {} };

// Queues one announcement; each waits for the one before to finish.
export function announce(text, lang) {
	pending.push({ text, lang });
	window.turneroSpeechLog.push({ text, lang, queued_at: new Date().toISOString(), spoken_at: null });
	speechState.onChange();
	if (!busy) next();
}

export function pendingCount() {
	return pending.length + (busy ? 1 : 0);
}

function next() {
	const item = pending.shift();
	if (!item) {
		busy = false;
		speechState.onChange();
		return;
	}
	busy = true;
	const entry = window.turneroSpeechLog.find((e) => e.text === item.text && !e.spoken_at);
	if (entry) entry.spoken_at = new Date().toISOString();
	chime();
	let finished = false;
	const done = () => {
		if (finished) return;
		finished = true;
		setTimeout(next, 600);
	};
	// Browsers without voices never fire "end": a generous time per character instead.
	const guard = setTimeout(done, 1200 + item.text.length * 110);
	setTimeout(() => {
		try {
			if (!('speechSynthesis' in window)) return;
			const u = new SpeechSynthesisUtterance(item.text);
			u.lang = VOICE_LANG[item.lang] || item.lang;
			const voice = speechSynthesis.getVoices().find((v) => v.lang && v.lang.startsWith(item.lang));
			if (voice) u.voice = voice;
			u.rate = 0.9;
			u.onend = () => { clearTimeout(guard); done(); };
			u.onerror = () => { clearTimeout(guard); done(); };
			speechSynthesis.speak(u);
		} catch (_) { /* no speech on this device */ }
	}, 900);
	speechState.onChange();
}
