/**
 * Detection engine throughput and latency on one core, over a realistic mix: short and
 * ~500-character messages in seven languages, user messages and bot replies, with memory
 * carried between turns as the trigger does. Run after `npm run build`: `npm run bench`. For the
 * one-core figures, pin it (`taskset -c 0 npm run bench`): unpinned, the process and its garbage
 * collector move between cores and the figures swing by a third on a shared machine.
 */
const fs = require('fs');
const path = require('path');

const { detectHandover } = require('../../dist/index.js');
const {
	MODEL_FILE,
	getModels,
	modelLoadMilliseconds,
} = require('../../dist/nodes/engine/model/scorer.js');
const { getLexicon } = require('../../dist/nodes/engine/lexicon.js');

const SHORT = {
	en: [
		'Can I talk to a human?',
		'How many bathrooms does it have?',
		"That didn't help",
		'Is the kitchen renovated?',
		'thanks, that helped',
		'What is the HOA fee?',
	],
	es: [
		'¿Puedo hablar con una persona real?',
		'¿Tiene estacionamiento?',
		'Eso no me ayuda',
		'Gracias',
	],
	fr: [
		'Je voudrais parler à un conseiller',
		'Combien de chambres ?',
		"Ça ne m'aide pas",
		'Merci beaucoup',
	],
	de: [
		'Kann ich mit einem Mitarbeiter sprechen?',
		'Wann ist die Besichtigung?',
		'Das hilft mir nicht',
		'Danke!',
	],
	pt: ['Posso falar com um atendente?', 'Tem garagem?', 'Isso não ajudou', 'Obrigado'],
	it: ['Posso parlare con un operatore?', 'Quante camere ci sono?', 'Non mi aiuta', 'Grazie mille'],
	nl: ['Kan ik iemand spreken?', 'Hoeveel slaapkamers zijn er?', 'Dat helpt niet', 'Bedankt'],
};
const BOT = {
	en: [
		"I don't have that information right now.",
		'The property has a two-car garage.',
		"I'm not sure if you saw, but there's an open house on Sunday!",
	],
	es: ['No tengo información sobre eso.', 'El apartamento tiene dos baños.'],
	fr: ["Je n'ai pas cette information.", 'Oui, il y a un parking.'],
	de: ['Dazu habe ich leider keine Informationen.', 'Die Besichtigung ist am Samstag.'],
	pt: ['Não tenho essa informação.', 'Sim, tem garagem para dois carros.'],
	it: ['Non ho questa informazione.', 'Ci sono tre camere da letto.'],
	nl: ['Die informatie heb ik niet.', 'Er zijn drie slaapkamers.'],
};

/** Joins sentences of one language up to about 500 characters. */
function long(sentences, seed) {
	let text = '';
	for (let i = seed; text.length < 480; i++) text += sentences[i % sentences.length] + ' ';
	return text.trim();
}

function buildMix() {
	const turns = [];
	let seed = 0;
	for (const lang of Object.keys(SHORT)) {
		const pool = [...SHORT[lang], ...BOT[lang]];
		for (const text of SHORT[lang]) {
			turns.push({ userMessage: text });
			turns.push({ userMessage: long(pool, seed++) });
		}
		for (const text of BOT[lang]) {
			turns.push({ botReply: text });
			turns.push({
				userMessage: SHORT[lang][seed % SHORT[lang].length],
				botReply: long(BOT[lang], seed++),
			});
		}
	}
	return turns.map((fields, i) => ({
		conversationId: `c${i % 50}`,
		platform: 'generic',
		...fields,
	}));
}

function percentile(sorted, p) {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function measure(turns, count) {
	const memories = new Map();
	const now = new Date();
	let handovers = 0;
	const run = (turn) => {
		const result = detectHandover(
			turn,
			memories.get(turn.conversationId),
			{ coolDownMinutes: 0 },
			now,
		);
		// Keep the mix stationary: a conversation starts afresh after its handover.
		memories.set(turn.conversationId, result.handover ? undefined : result.memory);
		if (result.handover) handovers++;
	};
	for (let i = 0; i < 20000; i++) run(turns[i % turns.length]); // warm-up
	handovers = 0;
	const start = process.hrtime.bigint();
	for (let i = 0; i < count; i++) run(turns[i % turns.length]);
	const seconds = Number(process.hrtime.bigint() - start) / 1e9;
	const handoverShare = handovers / count;

	const samples = new Float64Array(Math.min(count, 200000));
	for (let i = 0; i < samples.length; i++) {
		const t0 = process.hrtime.bigint();
		run(turns[i % turns.length]);
		samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
	}
	samples.sort();
	const chars =
		turns.reduce((n, t) => n + (t.userMessage ?? '').length + (t.botReply ?? '').length, 0) /
		turns.length;
	return {
		perSecond: Math.round(count / seconds),
		p50: percentile(samples, 50),
		p99: percentile(samples, 99),
		chars,
		handoverShare,
	};
}

/** Heap and array buffers taken by what `load` builds, after collecting the garbage around it. */
function memoryOf(load) {
	// Collected several times: one pass can leave the loader's garbage (the file's text, the inflated
	// bytes) in the heap, and the figure then read up to 25 MB.
	const collect = () => {
		for (let i = 0; i < 4; i++) global.gc?.();
	};
	collect();
	const before = process.memoryUsage();
	const start = process.hrtime.bigint();
	load();
	const milliseconds = Number(process.hrtime.bigint() - start) / 1e6;
	collect();
	const after = process.memoryUsage();
	const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
	return { megabytes: bytes / 1e6, milliseconds };
}

/**
 * Size on disk, load time and memory of what the detector loads once per process: the weights and
 * the grammar's tables (phrases and the one-edit typos of key words).
 */
function modelFigures() {
	const exact = global.gc ? '' : ' (run node --expose-gc for an exact figure)';
	const weights = memoryOf(getModels);
	const file = fs.statSync(MODEL_FILE).size;
	console.log(
		`model: ${path.basename(MODEL_FILE)} ${(file / 1e6).toFixed(2)} MB on disk, loaded in ${modelLoadMilliseconds().toFixed(0)} ms, ` +
			`${weights.megabytes.toFixed(1)} MB in memory${exact}`,
	);
	const tables = memoryOf(getLexicon);
	console.log(
		`grammar tables: built in ${tables.milliseconds.toFixed(0)} ms, ${tables.megabytes.toFixed(1)} MB in memory; ` +
			`${(weights.megabytes + tables.megabytes).toFixed(1)} MB for the detector in all${exact}`,
	);
}

function main() {
	modelFigures();
	const mix = buildMix();
	const isLong = (t) => (t.userMessage ?? '').length + (t.botReply ?? '').length > 300;
	const classes = [
		['whole mix', mix],
		['short turns only', mix.filter((t) => !isLong(t))],
		['~500-character turns only', mix.filter(isLong)],
	];
	console.log(
		`detectHandover on one core, ${process.version}; ${mix.length} distinct turns in 7 languages, user messages and bot replies`,
	);
	for (const [name, turns] of classes) {
		const r = measure(turns, 400000);
		console.log(
			`${name.padEnd(28)} ${r.perSecond.toLocaleString('en').padStart(9)} messages/s   p50 ${r.p50.toFixed(2).padStart(6)} µs   p99 ${r.p99.toFixed(2).padStart(6)} µs   (${turns.length} turns, ${r.chars.toFixed(0)} chars avg, ${(r.handoverShare * 100).toFixed(0)}% hand over)`,
		);
	}
}

main();
