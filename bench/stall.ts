/**
 * `npm run bench:stall`: the worst event-loop delay (perf_hooks monitorEventLoopDelay) while one
 * adversarial message goes through the whole webhook turn — handleTurn: verify, read the body,
 * parse the payload, detect, update the embedded store (a SQLite file in a temporary folder) — for
 * a HighLevel e-mail, a Chatwoot message and a generic turn (text as the contact's message and as
 * the bot's reply), at 10 k, 100 k and 1 M characters. Goal: under 50 ms each.
 *
 * Not a timed test: the figures depend on the machine. Each case runs in a worker thread of its
 * own with a time budget (`--budget=<seconds>`, default 30), so that a case that would block for
 * minutes is reported as over budget instead of holding up the run; `--runs=<n>` (default 3)
 * turns are measured per case, and `--only=<text>` runs the cases whose name contains the text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import { MAX_BODY_BYTES } from '../nodes/detector/inputContract';
import { handleTurn, type TurnSettings } from '../nodes/detector/turnHandler';
import { EmbeddedStore } from '../nodes/store/EmbeddedStore';
import { chatwootIncoming, highLevelInboundEmail } from '../test/platforms/fixtures/payloads';

const SIZES = [10_000, 100_000, 1_000_000];
const RESOLUTION_MS = 1;
const GOAL_MS = 50;

/** Exactly `size` characters of `unit` repeated. */
const repeat = (unit: string, size: number) =>
	unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Text shapes that made super-linear code paths show: each is `size` characters long. */
const SHAPES: Record<string, (size: number) => string> = {
	'one char': (size) => repeat('a', size),
	'person words': (size) => repeat('agent human person ', size),
	'nested HTML': (size) => {
		const depth = Math.floor((size - 40) / 11);
		return `${'<div>'.repeat(depth)}talk to a human please${'</div>'.repeat(depth)}`.slice(0, size);
	},
	'unclosed tags': (size) => repeat('<p', size),
	'open style': (size) => repeat('<style>', size),
	'short lines': (size) => repeat('ok?\n', size),
};

/** The body of each payload format with `text` as the message. */
const PAYLOADS: Record<string, (text: string, n: number) => object> = {
	'HighLevel e-mail': (text, n) => ({
		...highLevelInboundEmail(),
		conversationId: `hl-${n}`,
		body: text,
	}),
	Chatwoot: (text, n) => {
		const message = chatwootIncoming();
		return {
			...message,
			content: text,
			conversation: { ...message.conversation, id: 50_000 + n, status: 'pending' },
		};
	},
	generic: (text, n) => ({ conversationId: `g-${n}`, userMessage: text, botReply: text }),
};

const SETTINGS: TurnSettings = {
	auth: { authentication: 'none' },
	format: 'auto',
	inbound: { chatwoot: { ignoreOpenConversations: true } },
	detector: {},
	pauseOnHandoverMs: 0,
};

interface Case {
	index: number;
	payload: string;
	shape: string;
	size: number;
	runs: number;
	storeFile: string;
}

interface CaseResult {
	/** Characters of text sent (fewer than asked when the body had to fit 1 MiB). */
	chars: number;
	/** The worst event-loop delay of all runs, and of the run with the smallest. */
	worstDelayMs: number;
	bestRunMs: number;
	turnMs: number;
	status: number;
	summary: string;
}

const request = (body: object) => ({
	headers: { 'content-type': 'application/json' },
	rawBody: Buffer.from(JSON.stringify(body)),
});

/**
 * The body of `payload` with `text`, shortened until the body fits the doors' 1 MiB limit (escaped
 * line breaks take two bytes, the generic turn carries the text twice): the figures are of turns
 * that are read, not of 413s. Returns the body and the characters of text it holds.
 */
function fittingBody(payload: string, text: string, n: number): { body: object; chars: number } {
	let body = PAYLOADS[payload](text, n);
	let bytes = Buffer.byteLength(JSON.stringify(body));
	while (bytes > MAX_BODY_BYTES) {
		text = text.slice(0, text.length - Math.ceil((bytes - MAX_BODY_BYTES) / 2) - 16);
		body = PAYLOADS[payload](text, n);
		bytes = Buffer.byteLength(JSON.stringify(body));
	}
	return { body, chars: text.length };
}

/** Ordinary messages, short and long, that warm the worker up as a running n8n would be. */
const WARM_UP = [
	'What are your opening hours?',
	'Can I talk to a real person please?',
	'<div>Hello,<br>I wrote last week about the flat on Main Street.</div><p>Is it still available?</p>',
	'Thanks, that helped! '.repeat(20),
	'I would like to know the price of the flat on the third floor, and whether parking is included. '.repeat(
		30,
	),
];

/** What one measured turn did. */
function summaryOf(outcome: Awaited<ReturnType<typeof handleTurn>>): string {
	const answer = outcome.answer as Record<string, unknown>;
	if ('error' in answer) return String(answer.error).slice(0, 60);
	const ignored = answer.ignored ? ' (ignored)' : '';
	const message = outcome.event ? `, message ${outcome.event.message?.length ?? 0} chars` : '';
	return `handover ${String(answer.handover)}${ignored}${message}`;
}

/**
 * In the worker: ordinary turns first (the model and phrase tables load, the code is compiled, as
 * in an n8n that has been running), then the measured turns, each in a conversation of its own.
 */
async function runCase(job: Case): Promise<CaseResult> {
	const store = new EmbeddedStore({ filePath: job.storeFile });
	try {
		for (let round = 0; round < 4; round++) {
			for (const [n, text] of WARM_UP.entries()) {
				const body = PAYLOADS[job.payload](text, 1_000_000 + job.index * 100 + n);
				await handleTurn(SETTINGS, store, request(body));
			}
		}

		const delays: number[] = [];
		let result: Omit<CaseResult, 'worstDelayMs' | 'bestRunMs'> | undefined;
		for (let run = 0; run < job.runs; run++) {
			const id = job.index * 100 + run;
			const { body, chars } = fittingBody(job.payload, SHAPES[job.shape](job.size), id);
			const incoming = request(body);
			const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
			delay.enable();
			await sleep(5 * RESOLUTION_MS);
			const start = process.hrtime.bigint();
			const outcome = await handleTurn(SETTINGS, store, incoming);
			const turnMs = Number(process.hrtime.bigint() - start) / 1e6;
			// The delay is recorded when the timer fires after the blocked stretch.
			await sleep(5 * RESOLUTION_MS);
			delay.disable();
			delays.push(delay.max / 1e6);
			result = { chars, turnMs, status: outcome.status, summary: summaryOf(outcome) };
		}
		return { ...result!, worstDelayMs: Math.max(...delays), bestRunMs: Math.min(...delays) };
	} finally {
		await store.close();
	}
}

function runInWorker(job: Case, budgetMs: number): Promise<CaseResult | 'over budget'> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(__filename, { workerData: job });
		const timer = setTimeout(() => {
			void worker.terminate().then(() => resolve('over budget'));
		}, budgetMs);
		worker.once('message', (result: CaseResult) => {
			clearTimeout(timer);
			resolve(result);
			void worker.terminate();
		});
		worker.once('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

function option(name: string): string | undefined {
	const prefix = `--${name}=`;
	return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
	const budgetMs = Number(option('budget') ?? 30) * 1000;
	const runs = Number(option('runs') ?? 3);
	const only = option('only');
	const folder = mkdtempSync(join(tmpdir(), 'handover-stall-'));
	console.log(
		`Worst event-loop delay during one webhook turn (handleTurn, embedded store), ${runs} runs per case, Node ${process.version}; goal < ${GOAL_MS} ms`,
	);
	console.log(
		'Other processes on the machine only add delay: "best run" is the run least disturbed by them.',
	);
	console.log(
		`${'payload'.padEnd(17)} ${'text'.padEnd(14)} ${'chars'.padStart(9)} ${'worst'.padStart(10)} ${'best run'.padStart(10)}  answer`,
	);
	let index = 0;
	let worst = 0;
	let worstBest = 0;
	try {
		for (const payload of Object.keys(PAYLOADS)) {
			for (const shape of Object.keys(SHAPES)) {
				for (const size of SIZES) {
					const name = `${payload} ${shape} ${size}`;
					index++;
					if (only !== undefined && !name.includes(only)) continue;
					const storeFile = join(folder, 'store.sqlite');
					const result = await runInWorker(
						{ index, payload, shape, size, runs, storeFile },
						budgetMs,
					);
					const head = `${payload.padEnd(17)} ${shape.padEnd(14)}`;
					if (result === 'over budget') {
						worst = worstBest = Infinity;
						const chars = size.toLocaleString('en').padStart(9);
						console.log(
							`${head} ${chars} ${`> ${budgetMs / 1000} s`.padStart(10)}  stopped: over budget`,
						);
						continue;
					}
					worst = Math.max(worst, result.worstDelayMs);
					worstBest = Math.max(worstBest, result.bestRunMs);
					const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);
					console.log(
						`${head} ${result.chars.toLocaleString('en').padStart(9)} ${ms(result.worstDelayMs)} ${ms(result.bestRunMs)}  ${result.status} ${result.summary}`,
					);
				}
			}
		}
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
	const figure = (value: number) =>
		Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'over budget';
	console.log(
		`Worst of all: ${figure(worst)}; worst of the best runs: ${figure(worstBest)} (goal < ${GOAL_MS} ms: ${worstBest < GOAL_MS ? 'met' : 'not met'})`,
	);
}

if (isMainThread) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
} else {
	runCase(workerData as Case).then(
		(result) => parentPort?.postMessage(result),
		(error: unknown) => {
			throw error;
		},
	);
}
