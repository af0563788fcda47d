import { callsMeByName, extractFeatures, readRaw } from '../../../nodes/engine/model/features';
import { normaliseText } from '../../../nodes/engine/normalise';

const features = (text: string, kind: 'user' | 'bot' = 'user') =>
	extractFeatures(kind, normaliseText(text).tokens, readRaw(kind, text), (1 << 18) - 1);

describe('extractFeatures', () => {
	it('is deterministic and stays inside the weight table', () => {
		const a = features('Can someone from billing call me back?');
		expect(features('Can someone from billing call me back?')).toEqual(a);
		expect(a.every((slot) => Number.isInteger(slot) && slot >= 0 && slot < 1 << 18)).toBe(true);
	});

	it('reads a user message and a bot reply differently', () => {
		expect(features('I do not know', 'bot')).not.toEqual(features('I do not know', 'user'));
	});

	it('tells messages apart by their words, not only their length', () => {
		expect(features('talk to a person')).not.toEqual(features('talk to a parrot'));
	});
});

describe('callsMeByName', () => {
	it.each([
		'Please call me Margaret, no need for Mrs.',
		'you can call me Dani',
		'Llámame Pepe, sin formalidades',
		'Llamadme Pili, que así me conoce todo el mundo',
		'me podéis llamar Yoli',
		'Vous pouvez m’appeler Monsieur Bertin',
		"Vous pouvez m'appeler Monsieur Bertin",
		'Nennen Sie mich ruhig Frau Krüger',
		'Pode me chamar de Tati',
		'Può chiamarmi semplicemente signora Colombo',
		'Noem me gewoon Joost',
	])('"%s" is a name, not a call-back', (text) => {
		expect(callsMeByName(text)).toBe(true);
	});

	it.each([
		'call me back please',
		'can you call me tomorrow',
		'llámame mañana',
		'llamadme porfa',
		'bel me terug',
	])('"%s" is a call-back', (text) => {
		expect(callsMeByName(text)).toBe(false);
	});
});

describe('readRaw contact details', () => {
	it('notes a phone number, an e-mail address and a web address', () => {
		expect(readRaw('bot', 'Call the workshop on 033 456 78 90.').signals).toContain('phone-number');
		expect(readRaw('bot', 'Write to billing@example.org please').signals).toContain(
			'email-address',
		);
		expect(readRaw('bot', 'All prices are on example.com/prices').signals).toContain('web-address');
		expect(readRaw('bot', 'A table for 4 at 19:30. De rien.It is booked').signals).toEqual([]);
	});
});

describe('readRaw on adversarial input', () => {
	it('reads names after thousands of blank lines (each space read once)', () => {
		const raw = `is ${'\n'.repeat(3900)}Marta in? Ask Marta`;
		expect([...readRaw('user', raw).names]).toEqual(['marta']);
	});

	it('takes a capital after a sentence end or a line break, spaces between, as no name', () => {
		expect([...readRaw('user', 'Hi. \t Ana is here\nBob and\n  Carl, not Dave').names]).toEqual([
			'dave',
		]);
		expect([...readRaw('user', '  Ana is here').names]).toEqual(['ana']);
	});
});
