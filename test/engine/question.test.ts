import { normaliseText } from '../../nodes/engine/normalise';
import { asksAboutStep, asksSomething, replyAsks } from '../../nodes/engine/question';

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

describe('asksAboutStep', () => {
	it.each([
		['en', 'Unplug the kettle for a minute and plug it back in. Is the red light gone now?'],
		['es', 'Reinicia la aplicación desde ajustes. ¿Ya puedes entrar?'],
		['fr', 'Videz le cache du navigateur puis réessayez. Ça marche maintenant ?'],
		['de', 'Halten Sie die Reset-Taste zehn Sekunden gedrückt. Blinkt die LED immer noch?'],
		['pt', 'Desligue o roteador da tomada por 30 segundos. Voltou a internet?'],
		['it', "Togli la batteria e rimettila. Il display dà ancora l'errore?"],
		['nl', 'Log uit en weer in. Lukt het nu?'],
	])('[%s] reads "%s" as asking what the step did', (_lang, reply) => {
		expect(asksAboutStep(reply)).toBe(true);
	});

	it.each([
		// A question that offers more, or asks for a detail, asks nothing about a step.
		'The pool opens at 7am. Is there anything else I can help with now?',
		'Your order left the warehouse on Monday. Would you like the tracking link now?',
		'¿Cuál es tu número de pedido?',
		'Haben Sie noch weitere Fragen?',
		'Posso ajudar em mais alguma coisa?',
		// Only the closing question counts: "still" is in a statement before it.
		'The fault is still under review. What is your customer number?',
		'Das Display zeigt jetzt die Uhrzeit.',
	])('does not read "%s" as asking what a step did', (reply) => {
		expect(asksAboutStep(reply)).toBe(false);
	});

	it('reads a closing question of a long reply within its last characters', () => {
		const reply = `${'Bitte prüfen Sie die Kabel. '.repeat(2000)}Klappt es jetzt?`;
		expect(asksAboutStep(reply)).toBe(true);
		expect(asksAboutStep(`jetzt ${'x'.repeat(100_000)}?`)).toBe(false);
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
