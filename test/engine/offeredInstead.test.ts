import { normaliseText } from '../../nodes/engine/normalise';
import {
	listsOptions,
	offeredInsteadOfAnswering,
	onlyOffersOptions,
	readOffer,
} from '../../nodes/engine/offeredInstead';

describe('a menu of options', () => {
	it.each([
		'1️⃣ Bills 2️⃣ Plans 3️⃣ Faults',
		'What can we help with?\n1. Book\n2. Opening hours\n3. Find us',
		'Wähle bitte: 1 – Speisekarte 2 – Öffnungszeiten 3 – Anfahrt',
		'Sendung verfolgen | Paket versenden | Filiale finden',
		'Immatricolazioni · Tasse · Esami',
		'• Bookings • Check-in • Parking',
		'Welcome! [Book a table] [Menu] [Find us]',
		'Bitte wähle:\n1 Termin buchen\n2 Preise\n3 Anfahrt',
	])('is read in "%s"', (text) => {
		expect(listsOptions(text)).toBe(true);
		expect(onlyOffersOptions(text)).toBe(true);
	});

	it('needs three options, not a price or a date', () => {
		expect(listsOptions('It costs 1.50 € from 1. März, or 2) if you pay later')).toBe(false);
		expect(listsOptions('Menu | Hours')).toBe(false);
	});

	it('offers nothing but options only when no figure stands beside them', () => {
		const answered = 'Mo: closed, Tue–Fri 5–11pm\n1 Book | 2 Menu | 3 Back';
		expect(listsOptions(answered)).toBe(true);
		expect(onlyOffersOptions(answered)).toBe(false);
		expect(onlyOffersOptions('Free tomorrow at 7:45 · 8:30 · 9:15')).toBe(false);
	});
});

describe('a welcome or a prompt to choose sent back to a question', () => {
	const offered = (question: string, reply: string) =>
		offeredInsteadOfAnswering(normaliseText(reply), reply, normaliseText(question), question);

	it.each([
		['Do you deliver to Zeist?', 'Please choose:'],
		['¿Tenéis menú del día el sábado?', '¿Qué deseas hacer?'],
		['Le petit-déjeuner est inclus ?', 'Bonjour ! Que souhaitez-vous faire ?'],
		['Wat kost een APK?', 'Welkom! Waarmee kunnen we je helpen?'],
		['Quanto costa una piega?', 'Cosa vuoi fare?'],
	])('reads "%s" → "%s" as offered instead of an answer', (question, reply) => {
		expect(offered(question, reply)).toBe(true);
	});

	it('does not take a choice inside an answer for a prompt', () => {
		expect(
			offered(
				'Can I swap it for a 42?',
				'Sure: 30 days for a size swap, free. In My account > Returns choose "Swap size".',
			),
		).toBe(false);
		expect(
			offered('How much is whitening?', 'It is 250 € whatever shade you choose, all included.'),
		).toBe(false);
	});

	// A bot that asks for what it needs to answer has asked a question back, not offered its menu.
	it.each([
		['Can I keep my router when I move?', 'I can help with that. What is the new postcode?'],
		['¿Dónde está mi pedido?', 'Puedo ayudarte con eso. Escribe el número de pedido, por favor.'],
		['Je peux changer de forfait ?', 'Oui. Quelle est votre date de naissance, pour vérifier ?'],
		[
			'Wann kommt meine Karte?',
			'Schreiben Sie mir die Nummer Ihres Vertrags, dann schaue ich nach.',
		],
		['Quando chega o cartão?', 'Posso te ajudar com isso. Digite o número do contrato.'],
		['Quando arriva il rimborso?', 'Mi scrivi il numero della pratica? Così controllo.'],
		[
			'Wanneer wordt het bedrag teruggestort?',
			'Stuur het nummer van je bestelling, dan kijk ik mee.',
		],
	])('does not read "%s" → "%s" as an offer', (question, reply) => {
		expect(offered(question, reply)).toBe(false);
	});

	it('still reads a prompt for a menu number or a topic as one', () => {
		expect(offered('Do you open on Sunday?', 'Reply with a number: 1 Bookings 2 Prices')).toBe(
			true,
		);
		expect(offered('Le parking est gratuit ?', 'Bonjour ! Quel sujet vous intéresse ?')).toBe(true);
		expect(
			offered('Quanto costa la piega?', 'Scrivi il numero del servizio che ti interessa.'),
		).toBe(false);
	});
});

describe('readOffer', () => {
	const read = (question: string | undefined, reply: string) =>
		readOffer(
			normaliseText(reply),
			reply,
			question === undefined ? undefined : normaliseText(question),
			question,
		);
	const menu = 'Willkommen! Bitte wähle: 1 – Termine 2 – Preise 3 – Anfahrt';

	it('reads a welcome or a menu as the right reply when nothing was asked', () => {
		expect(read(undefined, menu)).toBe('welcome');
		expect(read('hallo', menu)).toBe('welcome');
		expect(read('salut !', 'Bonjour ! Que souhaitez-vous faire ?')).toBe('welcome');
		expect(read('bist du ein Bot?', menu)).toBe('welcome');
		expect(read('is this a real person or a bot?', menu)).toBe('welcome');
	});

	it('reads a bot or person word in a longer question as part of the matter, not a question about the bot', () => {
		const frenchMenu =
			'Je peux vous aider pour : 1) Réserver un essai 2) Prendre rendez-vous 3) Autre';
		// French "j'ai" reads as "ai", and "team" is a person word.
		expect(
			read(
				"J'ai un leasing chez vous pour une citadine, si je le résilie en septembre, combien de frais de sortie vais-je payer ?",
				frenchMenu,
			),
		).toBe('instead');
		expect(
			read(
				'we are on the Team plan for our whole office and the invoices still come out in dollars, how do we change the currency to pounds?',
				'How can I help you today?',
			),
		).toBe('instead');
	});

	it('reads it as offered instead of an answer after a question, and leaves statements alone', () => {
		expect(read('was kostet eine Zahnreinigung?', menu)).toBe('instead');
		expect(read('hallo, ich bin der Mieter aus Wohnung 5', menu)).toBeUndefined();
		expect(read('was kostet eine Zahnreinigung?', 'Eine Reinigung kostet 90 €.')).toBeUndefined();
	});
});
