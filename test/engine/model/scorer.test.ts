import { detectHandover, type Turn } from '../../../nodes/engine';
import { NEGATED_REQUEST_CAP, turnFeaturesAt } from '../../../nodes/engine/detectHandover';
import {
	BOT_LABELS,
	getModels,
	readText,
	towardStrongestClause,
	useModels,
	USER_LABELS,
} from '../../../nodes/engine/model/scorer';
import { normaliseText } from '../../../nodes/engine/normalise';
import { TURN_FEATURES } from '../../../nodes/engine/turnJudge';

const CONTACT = USER_LABELS.indexOf('contact_request');
const turn = (userMessage: string): Turn => ({
	conversationId: 'c1',
	platform: 'generic',
	userMessage,
});
const logit = (p: number) => Math.log(p / (1 - p));

/** Runs `work` with the shipped weights but another clause share. */
function withShare<T>(share: number, work: () => T): T {
	return withShares({ contactClauseShare: share }, work);
}

function withShares<T>(
	shares: { contactClauseShare?: number; replyClauseShare?: number },
	work: () => T,
): T {
	const shipped = getModels();
	useModels({ ...shipped, ...shares });
	try {
		return work();
	} finally {
		useModels(shipped);
	}
}

describe('towardStrongestClause', () => {
	it('moves the share of the way in log-odds toward a clause that reads higher', () => {
		expect(towardStrongestClause(0.1, 0.9, 0.5)).toBeCloseTo(0.5, 6);
		expect(logit(towardStrongestClause(0.2, 0.95, 0.3))).toBeCloseTo(
			logit(0.2) + 0.3 * (logit(0.95) - logit(0.2)),
			6,
		);
		expect(towardStrongestClause(0.1, 0.9, 1)).toBeCloseTo(0.9, 6);
	});

	it('keeps the whole message when its clause reads lower, or the share is 0', () => {
		expect(towardStrongestClause(0.6, 0.3, 0.5)).toBe(0.6);
		expect(towardStrongestClause(0.1, 0.9, 0)).toBe(0.1);
	});
});

describe('readText, clause by clause', () => {
	const model = () => getModels().user;
	const read = (text: string) =>
		readText(model(), 'user', normaliseText(text), text).clauses[CONTACT];

	it('reads each clause of a short message alone and gives the one that asks for a person', () => {
		const clause = read('My bill is far too high, 90 euros this month. I want the boss.');
		expect(clause?.segment).toBe('i want the boss');
		expect(clause?.probability).toBeGreaterThan(0.5);
	});

	it('reads nothing in a message of one clause', () => {
		expect(read('can someone call me back today')).toBeUndefined();
	});
});

describe('the request reading of a short message of several clauses', () => {
	const text = 'My bill is far too high, 90 euros this month. I want the boss.';

	it('rises with the share, up to the clause read alone', () => {
		const whole = withShare(0, () => detectHandover(turn(text), undefined));
		const all = withShare(1, () => detectHandover(turn(text), undefined));
		const clause = readText(getModels().user, 'user', normaliseText(text), text).clauses[CONTACT];
		expect(all.scores.contactRequest).toBeCloseTo(clause?.probability ?? NaN, 6);
		expect(all.scores.contactRequest).toBeGreaterThan(whole.scores.contactRequest);
	});

	it('stays capped when the grammar reads the request only as negated', () => {
		const negated = "I don't want a human. Just tell me the price of the 5G plan.";
		const result = withShare(1, () => detectHandover(turn(negated), undefined));
		expect(result.scores.contactRequest).toBeLessThanOrEqual(NEGATED_REQUEST_CAP);
		expect(result.handover).toBe(false);
	});
});

describe("the turn judge's reading of a short message's strongest complaint clause", () => {
	const answered = () =>
		detectHandover(
			{
				...turn('How do I reset the router?'),
				botReply: 'Hold the reset button for ten seconds, then wait for the green light.',
			},
			undefined,
		).memory;
	const feature = (name: (typeof TURN_FEATURES)[number], x: ArrayLike<number>) =>
		x[TURN_FEATURES.indexOf(name)];

	it('reads a complaint made in one clause above the whole message', () => {
		const text = 'That does not work. It is a white X3 router bought in your Leeds shop last May';
		const x = turnFeaturesAt(text, answered());
		expect(x).toBeDefined();
		expect(feature('complaintClause', x!)).toBeGreaterThan(feature('complaint', x!));
	});

	it('is the whole message reading for a message of one clause', () => {
		const x = turnFeaturesAt('did that twice already and it still does not work', answered());
		expect(feature('complaintClause', x!)).toBe(feature('complaint', x!));
	});
});

describe('the lack-of-information reading of a reply of several clauses', () => {
	const NO_INFORMATION = BOT_LABELS.indexOf('no_information');
	const question = 'Do you deliver to Switzerland?';
	// A welcome and an offer long enough to outvote the clause of declining when the reply is read
	// whole: the share shows only where the whole reads lower than that clause.
	const reply =
		'Hello and thanks for shopping with us! We love hearing from coffee fans, and our roasters ' +
		'work every morning. Sadly I cannot tell you whether we deliver to Switzerland. Do try our ' +
		'new espresso blend, it has notes of cherry and cocoa, and have a lovely day!';
	const read = () =>
		readText(getModels().bot, 'bot', normaliseText(reply), reply, normaliseText(question));
	const bot: Turn = { ...turn(question), botReply: reply };

	it('reads each clause alone and gives the one that lacks the information', () => {
		expect(read().clauses[NO_INFORMATION]?.segment).toBe(
			'sadly i cant tell you whether we deliver to switzerland',
		);
	});

	it('rises with the share, from the whole reply up to that clause', () => {
		const { whole, clauses } = read();
		const none = withShares({ replyClauseShare: 0 }, () => detectHandover(bot, undefined));
		const all = withShares({ replyClauseShare: 1 }, () => detectHandover(bot, undefined));
		expect(none.scores.lackOfInformation).toBeCloseTo(whole[NO_INFORMATION].probability, 6);
		expect(all.scores.lackOfInformation).toBeCloseTo(clauses[NO_INFORMATION].probability, 6);
		expect(all.scores.lackOfInformation).toBeGreaterThan(none.scores.lackOfInformation);
	});

	it('reads nothing apart in a reply of one clause', () => {
		const one = 'The apartment has two bathrooms';
		expect(readText(getModels().bot, 'bot', normaliseText(one), one).clauses).toEqual([]);
	});
});
