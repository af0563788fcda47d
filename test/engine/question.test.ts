import { normaliseText } from '../../nodes/engine/normalise';
import { asksSomething, replyAsks } from '../../nodes/engine/question';

const asks = (text: string) => asksSomething(normaliseText(text), text);

describe('asksSomething', () => {
	it('takes a question mark anywhere', () => {
		expect(asks('parking on site?')).toBe(true);
	});

	it.each([
		['en', 'Hello, what time does the recycling centre close on sundays'],
		['en', 'hi do you take walk ins'],
		['es', 'hola buenos dias cuanto cuesta la limpieza'],
		['es', 'quería saber si abren el domingo'],
		['fr', 'bonjour est ce que vous livrez à Lyon'],
		['de', 'habt ihr heute abend noch nen tisch frei'],
		['de', 'Hallo, wann habt ihr morgen offen'],
		['pt', 'oi vcs tem horário sábado'],
		['it', 'Salve, volevo sapere se il corso parte a marzo'],
		['nl', 'Mag ik een hond meenemen'],
	])('[%s] reads a question typed without its mark: "%s"', (_lang, text) => {
		expect(asks(text)).toBe(true);
	});

	it.each([
		'Hola, tengo la fibra de 600 megas',
		'hi, I am the tenant of flat 5',
		'I need help with my order',
		'thanks!',
		'ho fatto un incidente ieri',
		'Ja hallo hier ist der Herr Becker',
	])('reads a statement as asking nothing: "%s"', (text) => {
		expect(asks(text)).toBe(false);
	});

	it('looks for the question only where a clause opens, past its greetings', () => {
		// "what" inside a clause is no opening: "that is what I ordered".
		expect(asks('that is what I ordered')).toBe(false);
		expect(asks('ok. so what is the deposit')).toBe(true);
	});
});

describe('replyAsks', () => {
	it('reads a question mark anywhere in the reply, also the full-width one', () => {
		expect(replyAsks('Which card is this about?')).toBe(true);
		expect(replyAsks('Wednesday 15:00 or 16:30? I can book either.')).toBe(true);
		expect(replyAsks('どちらのカードですか？')).toBe(true);
		expect(replyAsks('The pool opens at 7am.')).toBe(false);
	});
});

describe('replyAsks, a request for a detail without a question mark', () => {
	it.each([
		['en', 'Please enter your order number.'],
		['en', 'Let me know which branch you visited.'],
		['es', 'Indíqueme su número de cliente, por favor.'],
		['es', 'Necesito su DNI para buscar la reserva.'],
		['fr', "Merci de m'indiquer votre adresse e-mail."],
		['de', 'Bitte nennen Sie mir Ihre Kundennummer.'],
		['pt', 'Informe-me o número do pedido.'],
		['it', 'Rispondi con: targa, posizione.'],
		['nl', 'Geef de meterstanden aan ons door:'],
	])('[%s] reads "%s" as asking', (_lang, reply) => {
		expect(replyAsks(reply)).toBe(true);
	});

	it.each([
		// Instructions and offers ask the contact to do something, not to tell the bot something.
		'Bitte prüfen Sie Ihr Postfach.',
		'Let me know if you need anything else.',
		'Vul het formulier in op de website.',
		// "geef … door" inside a clause is the bot passing a message on, not an order.
		'Ik geef je verzoek door aan een collega.',
		'Your parcel was delivered yesterday at 14:02.',
	])('reads "%s" as asking nothing', (reply) => {
		expect(replyAsks(reply)).toBe(false);
	});
});
