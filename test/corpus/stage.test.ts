import {
	failedToResolveReachedAt,
	type BotLine,
	type ConversationLine,
	type UserLine,
} from './corpus';
import { checkLines, keepConversations, keepMessages, keepReplies, parseLines } from './stage';

const conversation = (
	id: string,
	fireAt: number | null,
	reason: ConversationLine['reason'],
	turns = 4,
): ConversationLine => ({
	id,
	writer: 'w9001',
	lang: 'en',
	industry: 'rentals',
	channel: 'sms',
	turns: Array.from({ length: turns }, (_, i) => ({
		userMessage: `message ${i}`,
		botReply: `reply ${i}`,
	})),
	fireAt,
	reason,
});

describe('failedToResolveReachedAt', () => {
	it('counts failures, resets on a success and leaves the count on anything else', () => {
		expect(failedToResolveReachedAt(['none', 'failed', 'none', 'failed'])).toBe(3);
		expect(failedToResolveReachedAt(['failed', 'success', 'failed', 'none'])).toBeNull();
		expect(failedToResolveReachedAt(['failed', 'failed', 'failed'])).toBe(1);
		expect(failedToResolveReachedAt([])).toBeNull();
	});
});

describe('keepConversations', () => {
	it('keeps a conversation whose reader agrees and whose labels reach its failed-to-resolve turn', () => {
		const line = conversation('w9001-en-c01', 2, 'failed_to_resolve');
		const result = keepConversations(
			[line],
			[{ id: line.id, attempts: ['none', 'failed', 'failed'], agree: true, doubt: 'close call' }],
		);
		expect(result.kept).toEqual([{ ...line, attempts: ['none', 'failed', 'failed'] }]);
		expect(result.doubts).toBe(1);
	});

	it('drops a conversation the reader disagrees with or labels at the wrong length', () => {
		const a = conversation('w9001-en-c01', 1, 'contact_request');
		const b = conversation('w9001-en-c02', 1, 'contact_request');
		const result = keepConversations(
			[a, b],
			[
				{ id: a.id, attempts: ['none', 'none'], agree: false },
				{ id: b.id, attempts: ['none'], agree: true },
			],
		);
		expect(result.kept).toEqual([]);
		expect(result.disagreed).toEqual([a.id, b.id]);
	});

	it('drops labels that reach two failures elsewhere than the script says', () => {
		const early = conversation('w9001-en-c01', 3, 'failed_to_resolve');
		const beforeRequest = conversation('w9001-en-c02', 3, 'contact_request');
		const never = conversation('w9001-en-c03', null, null, 3);
		const atRequest = conversation('w9001-en-c04', 2, 'contact_request');
		const result = keepConversations(
			[early, beforeRequest, never, atRequest],
			[
				{ id: early.id, attempts: ['failed', 'failed', 'none', 'failed'], agree: true },
				{ id: beforeRequest.id, attempts: ['failed', 'failed', 'none', 'none'], agree: true },
				{ id: never.id, attempts: ['failed', 'none', 'failed'], agree: true },
				{ id: atRequest.id, attempts: ['none', 'failed', 'failed'], agree: true },
			],
		);
		expect(result.countDisagrees).toEqual([early.id, beforeRequest.id, never.id]);
		// Two failures at the request's own turn: the request decides, the count does not contradict it.
		expect(result.kept.map((line) => line.id)).toEqual([atRequest.id]);
	});

	it('names the conversations the reader left out', () => {
		const line = conversation('w9001-en-c01', null, null);
		expect(keepConversations([line], []).unread).toEqual([line.id]);
	});
});

describe('keepReplies and keepMessages', () => {
	const reply = (id: string, text: string, noInfo: boolean): BotLine => ({
		id,
		writer: 'w9001',
		lang: 'en',
		industry: 'hotel',
		question: 'is the pool heated?',
		text,
		noInfo,
		hard: false,
	});

	it('keeps the replies both readers label alike and that the corpus does not hold', () => {
		const lines = [
			reply('w9001-en-b01', 'Yes, to 28 degrees.', false),
			reply('w9001-en-b02', 'I am not sure, sorry.', true),
			reply('w9001-en-b03', 'Please ask at reception.', true),
			reply('w9001-en-b04', 'Not read.', true),
		];
		const result = keepReplies(
			lines,
			[
				{ id: 'w9001-en-b01', noInfo: false },
				{ id: 'w9001-en-b02', noInfo: false },
				{ id: 'w9001-en-b03', noInfo: true },
			],
			new Set(['Please ask at reception.']),
		);
		expect(result.kept.map((line) => line.id)).toEqual(['w9001-en-b01']);
		expect(result.disagreed).toEqual(['w9001-en-b02']);
		expect(result.alreadyInCorpus).toEqual(['w9001-en-b03']);
		expect(result.unread).toEqual(['w9001-en-b04']);
	});

	it('leaves out messages already in the corpus and names those it labels otherwise', () => {
		const message = (id: string, text: string, label: UserLine['label']): UserLine => ({
			id,
			writer: 'w9001',
			lang: 'en',
			channel: 'sms',
			industry: 'bank',
			text,
			label,
			hard: false,
		});
		const result = keepMessages(
			[
				message('w9001-en-u01', 'agent', 'contact_request'),
				message('w9001-en-u02', 'thanks', 'none'),
				message('w9001-en-u03', 'freeze my card', 'none'),
			],
			new Map([
				['agent', 'contact_request'],
				['thanks', 'success'],
			]),
		);
		expect(result.kept.map((line) => line.id)).toEqual(['w9001-en-u03']);
		expect(result.alreadyInCorpus).toEqual(['w9001-en-u01', 'w9001-en-u02']);
		expect(result.otherLabel).toEqual(['w9001-en-u02 (none; corpus success)']);
	});
});

describe('checkLines', () => {
	it('accepts a well-formed line', () => {
		const line = {
			id: 'w9001-de-u01',
			writer: 'w9001',
			lang: 'de',
			channel: 'sms',
			industry: 'bank',
			text: 'Bitte um Rückruf',
			label: 'contact_request',
			hard: false,
		};
		expect(checkLines('user', 'w9001', [line])).toEqual([]);
	});

	it('names each problem with the line it is on', () => {
		const problems = checkLines('conversations', 'w9001', [
			{
				id: 'w9001-en-c01',
				writer: 'w9002',
				lang: 'en',
				industry: 'x',
				channel: 'sms',
				turns: [{ userMessage: 'hi', botReply: '' }],
				fireAt: 3,
				reason: 'contact_request',
				extra: 1,
			},
			{ id: 'w9001-en-c01', writer: 'w9001', lang: 'xx' },
		]);
		expect(problems).toEqual(
			expect.arrayContaining([
				'w9001-en-c01: unknown fields extra',
				'w9001-en-c01: writer is not w9001',
				'w9001-en-c01: turns must each hold a userMessage and a botReply',
				'w9001-en-c01: fireAt must name a turn',
				'w9001-en-c01: unknown lang',
				'w9001-en-c01: id is not of the form',
				'w9001-en-c01: id used twice',
			]),
		);
	});

	it('reports a line that is not JSON and reads the rest', () => {
		const problems: string[] = [];
		const lines = parseLines('{"id":"a"}\nnot json\n\n{"id":"b"}\n', problems, 'x.jsonl');
		expect(lines).toEqual([{ id: 'a' }, { id: 'b' }]);
		expect(problems).toEqual([expect.stringMatching(/^x\.jsonl line 2: /)]);
	});
});
