import * as fs from 'fs';
import * as path from 'path';

import { detectHandover, type ConversationMemory, type Turn } from '../../nodes/engine';

/** The shared dev set lives beside the repository (`../shared/data`); every line is a case. */
const DATA = path.resolve(__dirname, '../../../shared/data');

function jsonLines<T>(file: string): T[] {
	return fs
		.readFileSync(path.join(DATA, file), 'utf8')
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as T);
}

const userTurn = (userMessage: string): Turn => ({
	conversationId: 'dev',
	platform: 'generic',
	userMessage,
});

describe('shared dev set', () => {
	const humanRequests = jsonLines<{ lang: string; human: boolean; text: string }>(
		'human_requests.dev.jsonl',
	);
	it.each(humanRequests.map((c) => [c.lang, c.text, c.human] as const))(
		'[%s] "%s" asks for a human: %s',
		(_lang, text, human) => {
			const result = detectHandover(userTurn(text), undefined);
			expect(result.handover).toBe(human);
			expect(result.reason).toBe(human ? 'contact_request' : null);
		},
	);

	const botReplies = jsonLines<{ noInfo: boolean; text: string }>('bot_replies.dev.jsonl');
	it.each(botReplies.map((c) => [c.text, c.noInfo] as const))(
		'bot reply "%s" lacks information: %s',
		(text, noInfo) => {
			const result = detectHandover({ conversationId: 'dev', platform: 'generic', botReply: text }, undefined);
			expect(result.reason).toBe(noInfo ? 'lack_of_information' : null);
		},
	);

	const conversations = JSON.parse(
		fs.readFileSync(path.join(DATA, 'conversations.dev.json'), 'utf8'),
	) as Array<{
		name: string;
		fireAt: number | null;
		reason: string | null;
		turns: Array<{ userMessage: string; botReply: string }>;
	}>;
	it.each(conversations.map((c) => [c.name, c] as const))('conversation: %s', (_name, conversation) => {
		let memory: ConversationMemory | undefined;
		const fired: Array<[number, string | null]> = [];
		conversation.turns.forEach((turn, index) => {
			const result = detectHandover({ conversationId: 'dev', platform: 'generic', ...turn }, memory);
			memory = result.memory;
			if (result.handover) fired.push([index, result.reason]);
		});
		expect(fired).toEqual(
			conversation.fireAt === null ? [] : [[conversation.fireAt, conversation.reason]],
		);
	});
});
