/**
 * `npm run train`: trains the user-message and bot-reply models on the train split of the corpus
 * and writes nodes/engine/model/handoverModel.json. `npm run train -- --cv` instead reports how the
 * recipe does on each training writer when that writer is left out (the test split is never read
 * here); `--folds 10` leaves them out in ten groups instead, `--misses` adds the lines it got wrong.
 */
import * as fs from 'fs';
import * as path from 'path';

import { loadStoredModel } from '../../nodes/engine/model/linearModel';
import type { StoredHandoverModels } from '../../nodes/engine/model/scorer';
import { judgeTurn } from '../../nodes/engine/turnJudge';
import { LANGUAGES, loadCorpus, testWriters } from './corpus';
import { fitTurnModel } from './turnTraining';
import {
	fitTemperature,
	heldOutTurnExamples,
	leaveWritersOut,
	playConversations,
	fitShares,
	heldOutRequestProbability,
	heldOutRequests,
	heldOutReplyProbability,
	scaled,
	softmax,
	TEMPERATURE_FOLDS,
	type Fold,
	storeModels,
	trainShippedModels,
	type HeldOut,
	type HeldOutRequest,
} from './training';

// Compiled into .build/test/corpus: the weights go to the source tree, from where the build copies them.
const MODEL_PATH = path.resolve(__dirname, '../../../nodes/engine/model/handoverModel.json');

/** Precision and recall of decisions given as [predicted, actual] pairs. */
function precisionRecall(decisions: Iterable<[boolean, boolean]>): { p: number; r: number } {
	let tp = 0;
	let fp = 0;
	let fn = 0;
	for (const [predicted, actual] of decisions) {
		if (predicted && actual) tp++;
		else if (predicted) fp++;
		else if (actual) fn++;
	}
	return { p: tp / Math.max(1, tp + fp), r: tp / Math.max(1, tp + fn) };
}

/** Precision, recall and F1 at `threshold` of [probability, actual] pairs. */
function binaryScores(read: Array<[number, boolean]>, threshold = 0.5): string {
	const { p, r } = precisionRecall(
		read.map(([q, actual]): [boolean, boolean] => [q >= threshold, actual]),
	);
	return `P ${p.toFixed(3)} R ${r.toFixed(3)} F1 ${((2 * p * r) / Math.max(1e-9, p + r)).toFixed(3)}`;
}

function scores(held: HeldOut[], label: number, threshold: number): string {
	return binaryScores(
		held.map((h): [number, boolean] => [softmax(h.logits)[label], h.label === label]),
		threshold,
	);
}

function requestScores(requests: HeldOutRequest[], share: number): string {
	const { p, r } = precisionRecall(
		requests.map((q): [boolean, boolean] => [
			heldOutRequestProbability(q, share) >= 0.5,
			q.isRequest,
		]),
	);
	return `P ${p.toFixed(3)} R ${r.toFixed(3)}`;
}

/** The number after `--folds`: writers left out in that many groups; without it, one by one. */
function foldsArgument(): number | undefined {
	const at = process.argv.indexOf('--folds');
	if (at < 0) return undefined;
	const folds = Number(process.argv[at + 1]);
	if (!Number.isInteger(folds) || folds < 2) {
		console.error('--folds needs a whole number of groups, 2 or more (for example --folds 10)');
		process.exit(1);
	}
	return folds;
}

/**
 * Each training writer's conversations played with weights trained without that writer, and a turn
 * judge fitted on the other writers' turns (those turns read with weights from ten groups of
 * writers, as in training: the judge's features for the other writers may have seen this writer).
 * With `--folds 10` the writers are left out in the same ten groups the temperatures and the turns
 * are read with: one round of fits instead of one per writer (minutes instead of most of an hour).
 */
function crossValidate(): void {
	const corpus = loadCorpus('train');
	const folds = foldsArgument();
	const groups: Fold[] = [];
	const grouped = leaveWritersOut(corpus, TEMPERATURE_FOLDS, (fold) => groups.push(fold));
	const temperatures = { user: fitTemperature(grouped.user), bot: fitTemperature(grouped.bot) };
	const shares = fitShares(grouped, temperatures);
	const { contactClauseShare, replyClauseShare } = shares;
	const examples = heldOutTurnExamples(corpus, groups, temperatures, shares);
	let exact = 0;
	let exactApart = 0;
	let n = 0;
	let turnsWrong = 0;
	const outcomes = new Map<string, number>();
	const play = (fold: Fold) => {
		const turn = fitTurnModel(examples.filter((e) => !fold.left.has(e.writer)));
		for (const e of examples.filter((e) => fold.left.has(e.writer))) {
			if (judgeTurn(turn, e.x) >= 0.4 !== (e.y === 1)) turnsWrong++;
		}
		const played = playConversations(
			{ ...corpus, conversations: corpus.conversations.filter((l) => fold.left.has(l.writer)) },
			{
				user: scaled(fold.user, temperatures.user),
				bot: scaled(fold.bot, temperatures.bot),
				turnWords: fold.turnWords,
				turn,
				...shares,
			},
		);
		exact += played.exact;
		exactApart += played.apart;
		n += played.n;
		for (const [outcome, count] of played.misses) {
			outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + count);
		}
	};
	let held = grouped;
	if (folds === TEMPERATURE_FOLDS) groups.forEach(play);
	else held = leaveWritersOut(corpus, folds, play);
	groups.length = 0;
	console.log(
		`conversations exact (each writer's with weights trained without it, default settings): ${exact}/${n}; ` +
			`turns misjudged by the turn judge: ${turnsWrong}/${examples.length}; ` +
			`with each message and its reply sent as two events: ${exactApart}/${n}`,
	);
	for (const [outcome, count] of [...outcomes].sort((a, b) => b[1] - a[1])) {
		console.log(`  ${count}\t${outcome}`);
	}
	for (const threshold of [0.3, 0.4, 0.5, 0.6, 0.7]) {
		console.log(
			`threshold ${threshold}: contact ${scores(held.user, 1, threshold)} | complaint ${scores(held.user, 2, threshold)} | no-info ${scores(held.bot, 1, threshold)}`,
		);
	}
	// Requests as the engine reads them: calibrated, the grammar's negation cap, the clause share.
	const requests = heldOutRequests(held.user, temperatures.user);
	for (const share of [0, contactClauseShare]) {
		console.log(
			`contact requests at 0.5, read as the engine reads them, clause share ${share}: ` +
				requestScores(requests, share),
		);
	}
	// Replies as the engine reads them: calibrated, moved toward their strongest clause.
	for (const share of [0, replyClauseShare]) {
		const read = held.bot.map((h): [number, boolean] => [
			heldOutReplyProbability(h, temperatures.bot, share),
			h.label === 1,
		]);
		console.log(
			`no information at 0.5, read as the engine reads it (before the rule for offers), reply clause share ${share}: ` +
				binaryScores(read),
		);
	}
	for (const lang of LANGUAGES) {
		const own = (h: HeldOut) => h.line.lang === lang;
		console.log(
			`${lang}: contact ${scores(held.user.filter(own), 1, 0.5)} | no-info ${scores(held.bot.filter(own), 1, 0.5)}`,
		);
	}
	if (!process.argv.includes('--misses')) return;
	// Label 1 is "contact request" for messages and "no information" for replies.
	for (const h of [...held.user, ...held.bot]) {
		const p = softmax(h.logits)[1];
		if (p >= 0.5 !== (h.label === 1)) {
			const line = h.line;
			const expected =
				'noInfo' in line ? `noInfo ${line.noInfo}` : `${line.label}${line.hard ? ' hard' : ''}`;
			console.log(`${line.id}\t[${expected}]\t${p.toFixed(2)}\t${line.text.replace(/\s+/g, ' ')}`);
		}
	}
}

/** Retrains in memory and compares with the shipped file: the weights are reproducible. */
function check(): void {
	const corpus = loadCorpus('train');
	const retrained = storeModels(trainShippedModels(corpus), corpus, testWriters());
	const shipped = JSON.parse(fs.readFileSync(MODEL_PATH, 'utf8')) as StoredHandoverModels;
	const same =
		JSON.stringify(retrained.trainedOn) === JSON.stringify(shipped.trainedOn) &&
		retrained.contactClauseShare === shipped.contactClauseShare &&
		retrained.replyClauseShare === shipped.replyClauseShare &&
		// The turn judge's few weights as JSON numbers: their text round-trips exactly.
		JSON.stringify(retrained.turn) === JSON.stringify(shipped.turn) &&
		(['user', 'bot', 'turnWords'] as const).every((kind) => {
			const a = loadStoredModel(retrained[kind]).rows;
			const b = loadStoredModel(shipped[kind]).rows;
			return a.every((row, l) => Buffer.from(row.buffer).equals(Buffer.from(b[l].buffer)));
		});
	if (!same) {
		console.error(
			'the shipped weights are not what `npm run train` makes from the corpus: run it and commit the result',
		);
		process.exit(1);
	}
	console.log('shipped weights reproduced from the corpus, weight for weight');
}

function main(): void {
	if (process.argv.includes('--cv')) {
		crossValidate();
		return;
	}
	if (process.argv.includes('--check')) {
		check();
		return;
	}
	const corpus = loadCorpus('train');
	const start = Date.now();
	const models = trainShippedModels(corpus);
	fs.writeFileSync(MODEL_PATH, JSON.stringify(storeModels(models, corpus, testWriters())) + '\n');
	console.log(
		`trained on ${corpus.user.length} contact messages and ${corpus.bot.length} bot replies, plus the turns of ` +
			`${corpus.conversations.length} conversations, in ${Date.now() - start} ms ` +
			`(temperatures: user ${models.temperatures.user}, bot ${models.temperatures.bot}); ` +
			`wrote ${path.relative(process.cwd(), MODEL_PATH)} (${fs.statSync(MODEL_PATH).size} bytes)`,
	);
}

main();
