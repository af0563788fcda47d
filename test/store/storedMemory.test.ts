import { StoredMemoryReader, encodeMemory, memoryProblem } from '../../nodes/store/storedMemory';
import { memory } from './storeContract';

describe('memoryProblem', () => {
	it('accepts memory, with its optional fields and fields it does not know', () => {
		expect(memoryProblem(memory(0))).toBeUndefined();
		expect(
			memoryProblem(
				memory(2, {
					lastUserMessages: ['hello'],
					transcript: [{ role: 'user', text: 'Hello', at: '2025-01-01T00:00:00.000Z' }],
					handedOverAt: '2025-01-01T00:00:01.000Z',
					pausedUntil: '2025-01-01T01:00:00.000Z',
					lastHandoverId: 'h-1',
					assignee: 'highlevel:loc:u1',
					lastReplyNoInformation: 0.2,
					lastReplyTurnWords: -1.5,
					pendingAttempt: {
						features: [0.1, 0, 1],
						turnWords: -0.7,
						evidence: 'und?',
						withoutReply: 0.5,
					},
					repliesApart: true,
					afterSuccess: true,
				}),
			),
		).toBeUndefined();
		expect(memoryProblem({ ...memory(0), addedLater: [1, 2] })).toBeUndefined();
	});

	it.each([
		['null', null, 'not an object'],
		['a list', [memory(0)], 'not an object'],
		['a text', 'memory', 'not an object'],
		['no count', { ...memory(0), failedAttempts: undefined }, 'failedAttempts is not a number'],
		['a count as text', { ...memory(0), failedAttempts: '2' }, 'failedAttempts is not a number'],
		['messages not a list', { ...memory(0), lastUserMessages: 'hi' }, 'lastUserMessages'],
		['a message not a text', { ...memory(0), lastUserMessages: [3] }, 'lastUserMessages'],
		['no transcript', { ...memory(0), transcript: undefined }, 'transcript'],
		[
			'a transcript entry without text',
			{ ...memory(0), transcript: [{ role: 'user' }] },
			'transcript',
		],
		['a pause as a number', { ...memory(0), pausedUntil: 17 }, 'pausedUntil is not a text'],
		[
			'a reply reading as text',
			{ ...memory(0), lastReplyNoInformation: '0.2' },
			'lastReplyNoInformation is not a number',
		],
		[
			'a reply part that is not finite',
			{ ...memory(0), lastReplyTurnWords: null },
			'lastReplyTurnWords is not a number',
		],
		[
			'a kept reading without its features',
			{ ...memory(0), pendingAttempt: { turnWords: 0, evidence: '' } },
			'pendingAttempt is not a reading of a message',
		],
		[
			'a kept reading whose reading without a reply is text',
			{
				...memory(0),
				pendingAttempt: { features: [1], turnWords: 0, evidence: '', withoutReply: '0.5' },
			},
			'pendingAttempt',
		],
		['replies apart as text', { ...memory(0), repliesApart: 'yes' }, 'repliesApart'],
		['a success mark as a number', { ...memory(0), afterSuccess: 1 }, 'afterSuccess'],
		[
			'a kept reading with a feature that is not finite',
			{ ...memory(0), pendingAttempt: { features: [null], turnWords: 0, evidence: '' } },
			'pendingAttempt',
		],
	])('finds %s', (_, value, problem) => {
		expect(memoryProblem(value)).toContain(problem);
	});
});

describe('StoredMemoryReader', () => {
	it('reads what encodeMemory wrote', () => {
		const warn = jest.fn();
		const reader = new StoredMemoryReader('TestStore', warn);
		const stored = memory(3, { lastHandoverId: 'h-9' });
		expect(reader.read('c', encodeMemory(stored))).toEqual(stored);
		expect(warn).not.toHaveBeenCalled();
	});

	it('reads a bad text as no memory, warning once per key with the store and the key', () => {
		const warn = jest.fn();
		const reader = new StoredMemoryReader('TestStore', warn);
		expect(reader.read('c1', '{"failedAttempts": 1,')).toBeUndefined();
		expect(reader.read('c1', '{"failedAttempts": 1,')).toBeUndefined();
		expect(reader.read('c2', '[]')).toBeUndefined();
		expect(warn.mock.calls).toEqual([
			[
				expect.stringContaining(
					'TestStore: the stored memory of conversation "c1" is unusable (not valid JSON)',
				),
			],
			[expect.stringContaining('"c2" is unusable (not an object)')],
		]);
	});

	it('remembers the keys it warned about in bounded memory', () => {
		const warn = jest.fn();
		const reader = new StoredMemoryReader('TestStore', warn);
		for (let i = 0; i < 5000; i++) reader.read(`c${i}`, 'x');
		expect(warn).toHaveBeenCalledTimes(5000);
		expect((reader as unknown as { warnedKeys: Set<string> }).warnedKeys.size).toBeLessThanOrEqual(
			1000,
		);
	});
});
