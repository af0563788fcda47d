/**
 * `npm run eval`: precision, recall and F1 per trigger and language, and conversation exactness,
 * on the test split (the writers named in split.json), then the misses.
 * `npm run eval -- --split train` measures the training lines instead (not a generalisation figure);
 * `--no-misses` prints the table only. `--writers w40,w41` scores exactly those writers' lines: how a
 * new writer's lines are measured before anything is trained or tuned on them.
 */
import * as fs from 'fs';
import * as path from 'path';

import { parseModels, useModels, type StoredHandoverModels } from '../../nodes/engine/model/scorer';
import { loadCorpus, testWriters, writersOf, type Corpus, type Split } from './corpus';
import { evaluate, formatTable } from './evaluate';

// Compiled into .build/, the script reads the weights from the source tree they are trained into.
const MODEL = path.resolve(__dirname, '../../../nodes/engine/model/handoverModel.json');

function onlyWriters(corpus: Corpus, writers: Set<string>): Corpus {
	const keep = <T extends { writer: string }>(lines: T[]) =>
		lines.filter((l) => writers.has(l.writer));
	return {
		user: keep(corpus.user),
		bot: keep(corpus.bot),
		conversations: keep(corpus.conversations),
	};
}

function main(): void {
	const splitArg = process.argv.indexOf('--split');
	const split = (splitArg >= 0 ? process.argv[splitArg + 1] : 'test') as Split;
	const writersArg = process.argv.indexOf('--writers');
	const named = writersArg >= 0 ? new Set(process.argv[writersArg + 1].split(',')) : undefined;
	useModels(parseModels(JSON.parse(fs.readFileSync(MODEL, 'utf8')) as StoredHandoverModels));
	const corpus = named === undefined ? loadCorpus(split) : onlyWriters(loadCorpus('all'), named);
	const writers = writersOf(corpus);
	console.log(
		`${named === undefined ? `split ${split}` : 'named writers'} (writers ${writers.join(', ')}; held out: ${testWriters().join(', ')}): ${corpus.user.length} user messages, ${corpus.bot.length} bot replies, ${corpus.conversations.length} conversations\n`,
	);
	const evaluation = evaluate(corpus);
	console.log(formatTable(evaluation));
	if (!process.argv.includes('--no-misses')) {
		console.log(`\nmisses (${evaluation.misses.length}):`);
		for (const miss of evaluation.misses) {
			console.log(`${miss.id}\texpected ${miss.expected}\tgot ${miss.got}\t${miss.text}`);
		}
	}
}

main();
