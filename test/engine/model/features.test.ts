import {
	addFeatures,
	callsMeByName,
	extractFeatures,
	FeatureSink,
	mayDecline,
	readRaw,
	readRawAnswering,
	saysHowOften,
} from '../../../nodes/engine/model/features';
import {
	createModel,
	loadStoredModel,
	predict,
	storeModel,
} from '../../../nodes/engine/model/linearModel';
import { normaliseText } from '../../../nodes/engine/normalise';

const features = (text: string, kind: 'user' | 'bot' = 'user') => {
	const normalised = normaliseText(text);
	const reading = readRawAnswering(kind, text, normalised);
	return extractFeatures(kind, normalised.tokens, reading, (1 << 18) - 1);
};

/** The weight slot a named signal lands in. */
const slotOf = (signal: string) => {
	const sink = new FeatureSink((1 << 18) - 1);
	sink.signal(signal);
	return sink.slots[0];
};

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

describe('a call that keeps coming', () => {
	const tokens = (text: string) => normaliseText(text).tokens;

	it('finds a phrase of how often, of one or several words, in each language', () => {
		for (const text of [
			'someone keeps calling me',
			'me llaman todos los días',
			'vous m’appelez tout le temps',
			'Mich ruft ständig jemand an',
			'me ligam toda hora',
			'mi chiamate di continuo',
			'ze bellen me de hele tijd',
		])
			expect(saysHowOften(tokens(text))).toBe(true);
		for (const text of ['can someone call me today', 'llámenme mañana', 'bel me morgen terug'])
			expect(saysHowOften(tokens(text))).toBe(false);
	});

	it('marks a call that comes with one, in any person, and no other message', () => {
		const habitual = slotOf('call-habitual');
		for (const text of [
			'someone from your company calls me every day',
			'Mich ruft ständig jemand von Ihnen an',
			'een nummer dat mij de hele tijd belt',
			'mi chiamano tutti i giorni',
		])
			expect(features(text)).toContain(habitual);
		// A call asked for, and something else that keeps happening, are left to the words.
		expect(features('Kann mich heute jemand von Ihnen anrufen')).not.toContain(habitual);
		expect(features('the app crashes every day')).not.toContain(habitual);
	});
});

describe('a hedge without a figure', () => {
	const hedge = slotOf('varies-no-figure');

	it('marks a reply that says it varies and gives no figure, in each language', () => {
		for (const text of [
			'That depends on your plan and on how you use it.',
			'Depende mucho de tus hábitos de consumo.',
			'Le délai peut varier selon le transporteur.',
			'Die Lieferzeit variiert je nach Modell.',
			'Depende da forma de pagamento.',
			'Dipende molto dai suoi consumi.',
			// German and Dutch split the verb around what it depends on.
			'Das hängt von der Saison ab.',
			'Dat hangt van de datum af.',
		])
			expect(features(text, 'bot')).toContain(hedge);
	});

	it('leaves a hedge that gives a figure, a reply without a hedge, and the contact alone', () => {
		expect(features('It depends, but usually 3 working days.', 'bot')).not.toContain(hedge);
		expect(features('Depende, pero suelen ser dos días.', 'bot')).not.toContain(hedge);
		expect(features('Das hängt vom Wetter ab, meist ab Montag.', 'bot')).not.toContain(hedge);
		expect(features('Your parcel left our warehouse yesterday.', 'bot')).not.toContain(hedge);
		expect(features('It depends on the weather I guess')).not.toContain(hedge);
	});
});

describe('a scoring sink', () => {
	// Weights as they ship: 16-bit integers times a scale per label, read into float32.
	const bits = 18;
	const raw = createModel(['a', 'b', 'c', 'd'], bits);
	let seed = 7;
	for (const row of raw.rows) {
		for (let i = 0; i < row.length; i++) {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			row[i] = ((seed >>> 8) / 2 ** 24 - 0.5) * 3;
		}
	}
	const model = loadStoredModel(storeModel(raw));
	const mask = (1 << bits) - 1;
	const texts = [
		'Can someone from billing call me back? I called twice, twice!',
		'necesito hablar con alguien de administración, no con un bot',
		'Guten Tag, ich habe eine Frage zur Rechnung. Können Sie mich zurückrufen? Danke',
		'x',
	];

	it('gives the probabilities of the full list of slots, exactly, text after text', () => {
		const scoring = new FeatureSink(mask, model.interleaved, 4);
		for (const round of [1, 2]) {
			for (const text of texts) {
				const tokens = normaliseText(text).tokens;
				const reading = readRaw('user', text);
				const slots = extractFeatures('user', tokens, reading, mask);
				const full = predict(model, slots);
				addFeatures('user', tokens, reading, scoring);
				const summed = predict(model, scoring.slots, undefined, scoring.wordSums);
				expect([round, ...summed]).toEqual([round, ...full]);
				expect(scoring.slots.length).toBeLessThan(slots.length);
			}
		}
	});

	it('stays exact after the word cache was emptied and its rows reused by other words', () => {
		const scoring = new FeatureSink(mask, model.interleaved, 4);
		const text = texts[0];
		const tokens = normaliseText(text).tokens;
		const read = () => {
			addFeatures('user', tokens, readRaw('user', text), scoring);
			return [...predict(model, scoring.slots, undefined, scoring.wordSums)];
		};
		const before = read();
		// More distinct words than the cache holds (20,000), read by the same sink.
		for (let batch = 0; batch < 21; batch++) {
			const words = Array.from({ length: 1000 }, (_, i) => `w${batch}x${i}`);
			addFeatures('user', words, readRaw('user', ''), scoring);
		}
		const full = [...predict(model, extractFeatures('user', tokens, readRaw('user', text), mask))];
		expect(read()).toEqual(full);
		expect(read()).toEqual(before);
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

describe('answerSignals', () => {
	const signals = (question: string, reply: string) =>
		readRawAnswering('bot', reply, normaliseText(reply), normaliseText(question)).signals.filter(
			(signal) => signal.startsWith('figure-asked'),
		);

	it('notes a question of price or time answered without a figure, in each language', () => {
		expect(signals('How much is the deposit?', 'The deposit depends on the property.')).toEqual([
			'figure-asked-none',
		]);
		expect(signals('¿Cuánto cuesta la limpieza?', 'Depende del estado de los dientes.')).toEqual([
			'figure-asked-none',
		]);
		expect(signals('Wann kommt der Techniker?', 'Der Techniker meldet sich bei Ihnen.')).toEqual([
			'figure-asked-none',
		]);
		expect(signals('Hoeveel kost een extra simkaart?', 'Dat verschilt per abonnement.')).toEqual([
			'figure-asked-none',
		]);
	});

	it('counts a figure in words as a figure, in each language', () => {
		for (const [question, reply] of [
			['How long does delivery take?', 'Parcels travel by van and arrive in two days.'],
			['¿A qué hora abrís?', 'Abrimos a las dos y cerramos por la noche.'],
			['Quand passe le technicien ?', 'Le technicien passe mardi matin.'],
			['Wann ist die Praxis offen?', 'Die Praxis öffnet zwölf Stunden am Tag.'],
			['Quanto tempo demora a entrega?', 'A entrega demora dois dias úteis.'],
			['Quanto costa la visita?', 'La visita costa cinquanta euro.'],
			['Wanneer is de winkel open?', 'De winkel is open tot half zes.'],
		])
			expect(signals(question, reply)).toEqual(['figure-asked-given']);
	});

	it('reads a word that is a figure only in another language as none without its pair', () => {
		// "due" is Italian two but English owed; "sei" Italian six but Portuguese "I know".
		expect(signals('When is the invoice due?', 'The invoice is due after the review.')).toEqual([
			'figure-asked-none',
		]);
		expect(signals('Quanto custa o exame?', 'Não sei o valor do exame.')).toEqual([
			'figure-asked-none',
		]);
		expect(signals('Quanto costa?', 'Costa due euro al giorno.')).toEqual(['figure-asked-given']);
	});

	it('counts a digit or a word of "free" as the figure', () => {
		expect(signals('Quanto costa il parcheggio?', 'Il parcheggio costa 5 € al giorno.')).toEqual([
			'figure-asked-given',
		]);
		expect(signals('Combien coûte la livraison ?', 'La livraison est gratuite.')).toEqual([
			'figure-asked-given',
		]);
	});

	it('says nothing when the question asks for no figure', () => {
		expect(signals('Do you take dogs?', 'Yes, dogs are welcome.')).toEqual([]);
		expect(signals('Posso pagar com cartão?', 'Sim, aceitamos cartão.')).toEqual([]);
	});
});

describe('readRawAnswering on long texts', () => {
	const signalsOf = (raw: string) =>
		readRawAnswering('bot', raw, normaliseText(raw)).signals.filter((s) => s.includes('long'));
	const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i % 7}`).join(' ');

	it('marks a text past one segment as long, and past about six as very long', () => {
		expect(signalsOf("I'm a virtual assistant, so I can't see your account.")).toEqual([]);
		expect(signalsOf(words(30))).toEqual([]);
		expect(signalsOf(words(31))).toEqual(['long-text']);
		expect(signalsOf(words(80))).toEqual(['long-text']);
		expect(signalsOf(words(81))).toEqual(['long-text', 'very-long-text']);
	});
});

describe('a reply that says the asked thing is not known yet', () => {
	const notYet = (reply: string) =>
		readRawAnswering('bot', reply, normaliseText(reply)).signals.includes('not-yet-known');

	it('marks a date, a price or a decision not confirmed, decided or announced yet, in each language', () => {
		for (const reply of [
			"The timetable for the spring term hasn't been published yet.",
			'The speakers are still to be announced.',
			'Las tarifas de 2027 todavía no están definidas.',
			'La fecha queda pendiente de confirmar por el ayuntamiento.',
			"Le tarif n'a pas encore été fixé par la direction.",
			"L'horaire reste à confirmer.",
			'Der Termin für die Abnahme steht noch nicht fest.',
			'Ob es eine Nachzahlung gibt, ist noch offen.',
			'A data da inauguração ainda não foi divulgada.',
			'O valor fica a definir depois da vistoria.',
			"L'orario del corso non è ancora stato definito.",
			'Il prezzo è ancora da stabilire.',
			'De nieuwe openingstijden zijn nog niet bekend.',
			'Of de wedstrijd doorgaat, staat nog niet vast.',
		])
			expect(notYet(reply)).toBe(true);
	});

	it('leaves a plain no, a status of the order and a given date alone', () => {
		for (const reply of [
			"We don't deliver to the islands.",
			'Your parcel has not been shipped yet; it leaves the warehouse on Friday.',
			'The date is confirmed: Saturday 14 June at 10:00.',
			'No, ese modelo ya no se fabrica.',
			"Non, nous n'acceptons pas les chiens.",
			'Das Konzert beginnt um 20 Uhr.',
			'Não fazemos entregas ao domingo.',
			'Sì, la palestra apre alle 7.',
			'Nee, huisdieren zijn niet toegestaan.',
		])
			expect(notYet(reply)).toBe(false);
	});
});

describe('readRaw form fields', () => {
	const signals = (text: string) => readRaw('user', text).signals;

	it('notes lines that open with a short label and a colon, one or more', () => {
		expect(signals('Role: Manager\nTeam size: 12')).toContain('form-fields');
		expect(signals('Nom : Dubois\nPrénom : Claire\nProfession : infirmière')).toContain(
			'form-fields',
		);
		expect(signals('Recapito telefonico: 06 4451 2039 (solo mattina)')).toContain('form-field');
	});

	it('does not take a web address, a time or a greeting before a line break as one', () => {
		for (const text of [
			'see https://example.com/help',
			'is 10:30 ok for the call?',
			'Hola:\n\nEl sábado hicisteis la mudanza',
		]) {
			expect(signals(text)).not.toContain('form-field');
			expect(signals(text)).not.toContain('form-fields');
		}
	});

	it('reads a long run of colons in linear time, counting two at most', () => {
		const raw = `${'a:b\n'.repeat(1000)}${'x'.repeat(2000)}`;
		expect(signals(raw)).toContain('form-fields');
		expect(signals(':'.repeat(4000))).not.toContain('form-field');
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

describe('the bot saying it cannot help', () => {
	const { getLexicon } = jest.requireActual<typeof import('../../../nodes/engine/lexicon')>(
		'../../../nodes/engine/lexicon',
	);
	const saysCannot = (text: string) => getLexicon().noAnswer.test(` ${normaliseText(text).text} `);

	it('reads regret at not being able to help, and an inverted "can I not", in each language', () => {
		for (const text of [
			'Sorry for not being able to help with that.',
			'Lamento no poder ayudarle con ese caso concreto.',
			'Désolé de ne pas pouvoir vous aider davantage.',
			'Es tut mir leid, Ihnen nicht helfen zu können.',
			'Leider kann ich Ihnen da nicht weiterhelfen.',
			'Infelizmente não posso te ajudar com isso.',
			'Mi dispiace, non posso aiutarla con questa richiesta.',
			'Helaas kan ik u daar niet mee helpen.',
		])
			expect(saysCannot(text)).toBe(true);
	});

	it('reads a system the bot cannot reach, in each language', () => {
		for (const text of [
			'Our reservation system is currently down, please try again later.',
			"I'm unable to connect to the clinic's calendar just now.",
			'El sistema de citas está caído en este momento.',
			"Je n'arrive pas à me connecter au planning des techniciens pour l'instant.",
			'Der Terminkalender ist im Moment leider nicht erreichbar.',
			'O sistema de marcações está fora do ar neste momento.',
			"Il gestionale dell'officina al momento non risponde.",
			'Het reserveringssysteem is op dit moment niet bereikbaar.',
		])
			expect(saysCannot(text)).toBe(true);
		for (const text of [
			'Our booking system is open around the clock: Monday at 10 is free.',
			'Das Buchungssystem zeigt: Montag um 10 Uhr ist frei.',
			'El sistema de reservas le enviará la confirmación por correo.',
		])
			expect(saysCannot(text)).toBe(false);
	});

	it('does not read an answer that helps as one', () => {
		expect(saysCannot('Ja, ich kann Ihnen dabei helfen: der Termin ist am Montag.')).toBe(false);
		expect(saysCannot('Claro, puedo ayudarle: abrimos a las nueve.')).toBe(false);
	});
});

describe('mayDecline', () => {
	const declines = (text: string) => mayDecline(normaliseText(text).text);

	it('finds a reply that cannot see, tell or check, with a word inside the phrase', () => {
		for (const text of [
			"I can't currently see your order from here.",
			"We have no way of checking the courier's van.",
			'No puedo decirte en qué estado va el envío.',
			'No tengo forma de saber si llegará hoy.',
			'Je ne peux donc pas vous dire où en est la réparation.',
			"Nous n'avons aucun moyen de vérifier ce colis.",
			'Ich habe leider keinen Zugriff auf Ihre Bestellung.',
			'Não tenho como confirmar se o seguro cobre.',
			"Non posso vederti l'ordine da qui.",
			'Non ho modo di verificare la spedizione.',
			'Ik kan uw contract niet inzien.',
			'We hebben geen toegang tot uw dossier.',
		]) {
			expect(declines(text)).toBe(true);
		}
	});

	it('finds nothing in a reply that answers', () => {
		expect(declines('Your order shipped yesterday and arrives Friday.')).toBe(false);
		expect(declines('No te preocupes, el envío llega mañana.')).toBe(false);
		expect(declines('Je peux vous dire que la réparation est terminée.')).toBe(false);
	});
});
