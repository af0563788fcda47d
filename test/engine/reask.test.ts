import { normaliseText } from '../../nodes/engine/normalise';
import {
	echoedIn,
	echoedInTokens,
	isUnansweredReask,
	measureReask,
	onlyAcknowledges,
	opensWithAnd,
	opensWithContrast,
	opensWithNo,
	replyRepeatsEarlier,
	shareOfReply,
	statesOtherFigure,
} from '../../nodes/engine/reask';
import type { TranscriptEntry } from '../../nodes/engine/types';

const at = '2026-01-01T00:00:00Z';
const transcript = (...lines: Array<[TranscriptEntry['role'], string]>): TranscriptEntry[] =>
	lines.map(([role, text]) => ({ role, text, at }));
const measure = (message: string, history: TranscriptEntry[]) =>
	measureReask(
		normaliseText(message).tokens,
		history.filter((entry) => entry.role === 'user').map((entry) => normaliseText(entry.text).text),
		history,
	);
/** The words asked again without an answer, when the fixed rule holds. */
const reask = (message: string, history: TranscriptEntry[]) => {
	const measured = measure(message, history);
	return isUnansweredReask(measured) ? measured?.words : undefined;
};

describe('measureReask', () => {
	it('finds a question asked again that no bot reply has answered', () => {
		const history = transcript(
			['user', 'is parking included?'],
			['bot', 'The flat has a south-facing balcony.'],
		);
		expect(reask('hello?? parking??', history)).toBe('parki');
	});

	it('reads an acknowledgement first as a follow-up, unless a word of contrast follows', () => {
		const history = transcript(
			['user', 'quiero subir el límite de la tarjeta'],
			['bot', 'La tarjeta se recoge en cualquier oficina.'],
		);
		expect(reask('vale, ¿y cómo subo el límite?', history)).toBeUndefined();
		expect(reask('vale pero ¿cómo subo el límite?', history)).toBeDefined();
		expect(reask('¿cómo subo el límite?', history)).toBeDefined();
	});

	it('looks back past an unrelated turn', () => {
		const history = transcript(
			['user', 'ha il riscaldamento autonomo?'],
			['bot', 'Il bilocale è al secondo piano.'],
			['user', 'e la cucina è arredata?'],
			['bot', 'Sì, cucina arredata.'],
		);
		expect(reask('riscaldamento. autonomo o centralizzato?', history)).toBeDefined();
	});

	it('is not a re-ask once a bot reply used the words', () => {
		const history = transcript(
			['user', 'is parking included?'],
			['bot', 'Parking is included, one space in the garage.'],
		);
		expect(reask('and parking for visitors?', history)).toBeUndefined();
	});

	it('is not a re-ask when the new message is mostly about something else', () => {
		const history = transcript(
			['user', 'what is the price of botox?'],
			['bot', 'We use Allergan products.'],
		);
		expect(reask('and what about fillers and peels and lasers?', history)).toBeUndefined();
	});

	it('measures the most-shared recent question and how much of it the replies since took up', () => {
		const history = transcript(
			['user', 'is parking included?'],
			['bot', 'The flat has a south-facing balcony.'],
			['user', 'and is the parking covered or outside?'],
			['bot', 'Parking is outside, behind the building.'],
		);
		// "parking covered": both words were in the second question, and "parking" came back since.
		const measured = measure('parking covered?', history);
		expect(measured?.share).toBe(1);
		expect(measured?.answered).toBe(0.5);
		expect(isUnansweredReask(measured)).toBe(false);
		expect(measure('what about pets?', history)).toBeUndefined();
	});

	it('needs content words: a bare "ok" or "??" is not a re-ask', () => {
		const history = transcript(['user', 'ok'], ['bot', 'Great!']);
		expect(reask('ok', history)).toBeUndefined();
		expect(reask('??', history)).toBeUndefined();
	});
});

describe('opensWithContrast', () => {
	const contrast = (text: string) => opensWithContrast(normaliseText(text).tokens);

	it('reads a question that opens by contradicting the answer, after a yes or not', () => {
		expect(contrast('yeah but when does it SHIP')).toBe(true);
		expect(contrast('oui mais les dimensions ?')).toBe(true);
		expect(contrast('sim, mas parcela em quantas vezes?')).toBe(true);
		expect(contrast('Ja, aber wann kommt es?')).toBe(true);
		expect(contrast('Maar zit het boek erbij?')).toBe(true);
		expect(contrast('Merci, mais il a le sien. Il passe dans les ascenseurs ?')).toBe(true);
		expect(contrast('thanks but what about the weekend?')).toBe(true);
		expect(contrast('ok pero ¿cuándo?')).toBe(true);
	});

	it('leaves follow-ups and a contrast later in the message alone', () => {
		expect(contrast('ok and what about parking?')).toBe(false);
		expect(contrast('can I pay now but pick it up later?')).toBe(false);
		expect(contrast('perfetto, grazie')).toBe(false);
		expect(contrast('')).toBe(false);
	});
});

describe('opensWithAnd', () => {
	const goesOn = (text: string) => opensWithAnd(normaliseText(text).tokens);

	it('reads a message that goes on from the answer with "and", after a yes or not', () => {
		expect(goesOn('and the lids')).toBe(true);
		expect(goesOn('e pelo site?')).toBe(true);
		expect(goesOn('Und die Vollkasko? Gilt die auch auf der Fähre?')).toBe(true);
		expect(goesOn('vale. y por qué este mes me cobráis 12 € más?')).toBe(true);
		expect(goesOn('ok et pour en ajouter un c’est combien')).toBe(true);
		expect(goesOn('en hoeveel km haal je ermee?')).toBe(true);
	});

	it('leaves an "and" later in the message alone', () => {
		expect(goesOn('price and availability please')).toBe(false);
		expect(goesOn('ok but what about parking?')).toBe(false);
		expect(goesOn('')).toBe(false);
	});
});

describe('shareOfReply', () => {
	const share = (message: string, reply: string) =>
		shareOfReply(normaliseText(message).tokens, reply);

	it("measures how much of the contact's message the last reply used, by stems", () => {
		const reply = 'Try restarting the router and replacing the batteries of the remote.';
		expect(share('the batteries are brand new', reply)).toBeCloseTo(1 / 2);
		expect(share('restarted the router twice', reply)).toBeCloseTo(2 / 3);
		expect(share('what time do you open tomorrow', reply)).toBe(0);
	});

	it('is zero for a message without content words', () => {
		expect(share('ok', 'Try restarting the router.')).toBe(0);
	});
});

describe('statesOtherFigure', () => {
	it('finds a figure the reply did not give, where the reply gave figures', () => {
		const reply = 'Run an empty wash at 90 degrees with a cup of vinegar.';
		expect(statesOtherFigure('my machine only goes up to 60', reply)).toBe(true);
		expect(
			statesOtherFigure('la mía es de 2017', 'Desde el 16 de junio de 2019 no hay comisión.'),
		).toBe(true);
		expect(
			statesOtherFigure('school ends at 16:00 on Wednesdays', 'Training is 15:30–16:45.'),
		).toBe(true);
	});

	it('reads a figure the reply gave, in either decimal mark, as the same', () => {
		expect(statesOtherFigure('ok so 90 it is', 'Wash at 90 degrees.')).toBe(false);
		expect(statesOtherFigure('3,5 kg then?', 'The bag holds 3.5 kg.')).toBe(false);
	});

	it('is false without a figure on either side', () => {
		expect(statesOtherFigure('my order is 48213', 'What is your order number?')).toBe(false);
		expect(statesOtherFigure('that does not work', 'Restart it and wait 30 seconds.')).toBe(false);
	});
});

describe('opensWithNo', () => {
	const opens = (message: string) => opensWithNo(normaliseText(message).tokens);

	it('finds a plain no at the start, in each language, as normalised', () => {
		expect(opens('No, the other one')).toBe(true);
		expect(opens('Não, eu já fiz isso')).toBe(true);
		expect(opens('nee joh')).toBe(true);
		expect(opens('Noooo 🙄')).toBe(true);
	});

	it('is false for a no later in the message or a word that starts with no', () => {
		expect(opens('I said no')).toBe(false);
		expect(opens('nothing works')).toBe(false);
		expect(opens('nonstop since Monday')).toBe(false);
		expect(opens('')).toBe(false);
	});
});

describe('replyRepeatsEarlier', () => {
	const fallback = 'Sorry, I can only help with bookings and opening hours.';

	it('is the largest share of content words the last reply has in common with an earlier one', () => {
		const history = transcript(
			['user', 'can I bring my dog?'],
			['bot', fallback],
			['user', 'dogs, are they allowed in the rooms'],
			['bot', 'Our rooms have free wifi and a minibar.'],
			['user', 'so is my dog allowed?'],
			['bot', fallback],
		);
		expect(replyRepeatsEarlier(history)).toBe(1);
		expect(replyRepeatsEarlier(history.slice(0, 4))).toBe(0);
	});

	it('is partial when the replies share some words', () => {
		const history = transcript(
			['bot', 'Checkout is at eleven, breakfast from seven.'],
			['user', 'and late checkout?'],
			['bot', 'Checkout is at eleven.'],
		);
		const share = replyRepeatsEarlier(history);
		expect(share).toBeGreaterThan(0);
		expect(share).toBeLessThan(1);
	});

	it("is 0 without an earlier bot reply, or when the last entry is not the bot's", () => {
		expect(replyRepeatsEarlier([])).toBe(0);
		expect(replyRepeatsEarlier(transcript(['user', 'hi'], ['bot', fallback]))).toBe(0);
		expect(replyRepeatsEarlier(transcript(['bot', fallback], ['staff', fallback]))).toBe(0);
		expect(replyRepeatsEarlier(transcript(['bot', fallback], ['user', fallback]))).toBe(0);
	});
});

describe('echoedIn', () => {
	const reply = 'Check that Freeze is switched off under Cards, then try the payment again.';

	it("is true for the reply's content words, by their first five letters", () => {
		const echoed = echoedIn(reply);
		expect(echoed('freeze')).toBe(true);
		expect(echoed('payments')).toBe(true);
		expect(echoed('cards')).toBe(true);
	});

	it('is false for short words, function words and words the reply did not use', () => {
		const echoed = echoedIn(reply);
		expect(echoed('off')).toBe(false);
		expect(echoed('then')).toBe(false);
		expect(echoed('still')).toBe(false);
		expect(echoed('.')).toBe(false);
	});

	it('reads a reply from its tokens as from its text', () => {
		const fromTokens = echoedInTokens(normaliseText(reply).tokens);
		for (const word of ['freeze', 'payments', 'off', 'still']) {
			expect(fromTokens(word)).toBe(echoedIn(reply)(word));
		}
	});
});

describe('onlyAcknowledges', () => {
	const acknowledges = (message: string) =>
		onlyAcknowledges(normaliseText(message).tokens, message);

	it('is true for a message of nothing but acknowledgement words, in each language', () => {
		expect(acknowledges('ok')).toBe(true);
		expect(acknowledges('Understood.')).toBe(true);
		expect(acknowledges('alles klar, danke!')).toBe(true);
		expect(acknowledges('tá bom')).toBe(true);
		expect(acknowledges('Noted, thanks')).toBe(true);
	});

	it('is false with a question mark, an emoji, a figure or any other word', () => {
		expect(acknowledges('ok?')).toBe(false);
		expect(acknowledges('great 🙄')).toBe(false);
		expect(acknowledges('ok 13')).toBe(false);
		expect(acknowledges('ok but when')).toBe(false);
		expect(acknowledges('')).toBe(false);
	});
});
