import { analyseContactRequest } from '../../nodes/engine/contactRequest';
import { lookUpWord } from '../../nodes/engine/lexicon';
import { detectHandover, findContactRequest, normaliseText } from '../../nodes/engine';
import { asksForHuman, doesNotAskForHuman } from './fixtures/contactRequests';

const asks = (text: string) => findContactRequest(normaliseText(text).tokens) !== undefined;

describe('findContactRequest', () => {
	it.each(asksForHuman)('[%s] fires on "%s"', (_lang, text) => {
		expect(asks(text)).toBe(true);
	});

	it.each(doesNotAskForHuman)('[%s] does not fire on "%s"', (_lang, text) => {
		expect(asks(text)).toBe(false);
	});

	it('returns the clause that asked, for the event evidence', () => {
		expect(findContactRequest(normaliseText('Nice place. Can I talk to an agent?').tokens)).toBe(
			'can i talk to an agent',
		);
	});

	it('reads typos of the key words', () => {
		expect(asks('can I speek to a reprsentative')).toBe(true);
		expect(asks('i want a humna')).toBe(true);
		expect(asks('get me a hoooman')).toBe(true);
		expect(lookUpWord('persn')?.text).toBe('person');
		// The first two letters swapped and a silent h dropped are typos too.
		expect(lookUpWord('uhman')?.text).toBe('human');
		expect(lookUpWord('ablar')?.text).toBe('hablar');
	});

	it('keeps a word whose first letter differs from a key word its own', () => {
		// "weiter" is not "leiter", "table" not "hable", "jeden" not "reden", "each" not "reach".
		for (const word of ['weiter', 'table', 'jeden', 'each', 'bueno', 'tienda'])
			expect(lookUpWord(word)?.text).not.toBe(
				{
					weiter: 'leiter',
					table: 'hable',
					jeden: 'reden',
					each: 'reach',
					bueno: 'dueno',
					tienda: 'atienda',
				}[word],
			);
	});

	it('reads a changed or added letter inside a word as a typo only next to the right key', () => {
		expect(lookUpWord('opeeator')?.text).toBe('operator');
		expect(lookUpWord('represwntative')?.text).toBe('representative');
		// A vowel for another is a spelling slip.
		expect(lookUpWord('representitive')?.text).toBe('representative');
		// Words of their own: "pagar" is not "pasar", "letter" not "leiter", "Paolo" not "parlo".
		for (const [word, other] of [
			['pagar', 'pasar'],
			['letter', 'leiter'],
			['paolo', 'parlo'],
			['regen', 'reden'],
		])
			expect(lookUpWord(word)?.text).not.toBe(other);
		// In the last two letters any edit counts: endings make the other forms of a word.
		expect(lookUpWord('passez')?.text).toBe('passer');
	});

	it('reads a German or Dutch compound by its last part, a person or role word', () => {
		expect(asks('kann ich bitte mit dem Schichtleiter sprechen')).toBe(true);
		expect(asks('ich möchte den Nachtportier sprechen')).toBe(true);
		expect(asks('mag ik de vestigingsmanager even spreken')).toBe(true);
		expect(lookUpWord('schichtleiter')?.text).toBe('leiter');
		// Heads whose compounds most often mean a thing ("Ausverkauf" is a sale, "ketelonderhoud"
		// a boiler service), and parts too short to be words of their own.
		expect(lookUpWord('ausverkauf')).toBeUndefined();
		expect(lookUpWord('ketelonderhoud')).toBeUndefined();
		expect(asks('ik wil het ketelonderhoud met de monteur verzetten')).toBe(false);
		expect(lookUpWord('exleiter')).toBeUndefined();
	});

	it('reads the roles of trades, clinics, property, schools and law in every language', () => {
		for (const text of [
			'could I speak to the conveyancer handling our purchase',
			'can the locksmith ring me before he comes',
			'quiero hablar con el cerrajero',
			'¿me puede llamar la dermatóloga?',
			'je voudrais parler au notaire',
			'le garagiste peut me rappeler ?',
			'kann ich mit der Hebamme sprechen',
			'ich möchte den Hausbesorger sprechen',
			'quero falar com o senhorio',
			'o serralheiro pode me ligar?',
			'posso parlare con il capofficina?',
			'vorrei parlare con il portiere',
			'mag ik de zaakvoerder spreken',
			'kan de huisbewaarder mij terugbellen?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// The same roles in news about them ask nothing.
		expect(asks('the locksmith changed the lock yesterday')).toBe(false);
		expect(asks('el cerrajero ya vino ayer')).toBe(false);
		expect(asks("le notaire a envoyé l'acte")).toBe(false);
		expect(asks('de huisbewaarder heeft de lamp vervangen')).toBe(false);
	});

	it('reads asking who is in charge of a topic as a request, in every language', () => {
		for (const text of [
			'who handles warranty claims for the dishwashers?',
			'¿quién se encarga de las facturas de la luz en el edificio?',
			"qui s'occupe des badges du parking ?",
			'Wer ist zuständig für die Nebenkosten in der Musterstraße?',
			'quem trata das marcações para a loja do Porto?',
			'chi si occupa dei rimborsi per i voli cancellati?',
			'wie gaat over de sleutels van de berging?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// Someone named as in charge, without asking who.
		expect(asks('the landlord deals with the boiler, not us')).toBe(false);
		expect(asks('el administrador se encarga de la limpieza')).toBe(false);
	});

	it('reads asking whom to send, call or write to as a request, in every language', () => {
		for (const text of [
			'the blender came with a cracked jug, who do I send the pictures to?',
			'buenas, a quién le mando el justificante de la transferencia?',
			"je dois envoyer l'attestation à qui ?",
			'Bonjour, vers qui me tourner pour la facture de janvier ?',
			'Wem schicke ich die Kündigung für den Stellplatz?',
			'an wen wende ich mich wegen der Nebenkostenabrechnung',
			'pra quem eu ligo sobre a segunda via do boleto?',
			'a chi mando la disdetta del contratto?',
			'naar wie moet ik de foto van de meterstand sturen?',
			'bij wie kan ik terecht met een klacht over de levering?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// Sending to a person named, and the same verbs beside words that only look like "who".
		expect(asks('I will send the pictures to the agent tonight')).toBe(false);
		expect(asks('le mando el justificante al gestor mañana')).toBe(false);
		expect(asks('wie schicke ich das Paket zurück?')).toBe(false);
		expect(asks('scrivetemi qui o per email, per favore niente telefonate')).toBe(false);
		expect(asks('une dame très gentille qui m’a dit d’envoyer les photos par mail')).toBe(false);
		expect(asks('mit wem schreibe ich hier eigentlich?')).toBe(false);
	});

	it('reads asking which department, team or desk to turn to as a request, in every language', () => {
		for (const text of [
			'which team for a card payment I do not recognise?',
			'¿qué departamento lleva lo de las devoluciones?',
			'no sé con qué departamento tengo que hablar para el reembolso',
			"c'est quel service pour un changement d'adresse ?",
			'Welche Abteilung ist für die Kaution zuständig?',
			'é com que setor a segunda via do contrato?',
			'per il rimborso quale ufficio devo contattare?',
			'welke afdeling gaat over de eindafrekening?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// The same question words before words that are no desk of the business.
		expect(asks('what office hours do you have on Saturday?')).toBe(false);
		expect(asks('an welcher Stelle genau ist der Kratzer?')).toBe(false);
		expect(asks('qué servicio me recomiendas para el pelo rizado?')).toBe(false);
	});

	it('reads asking who handles a matter as a request, with words between, in every language', () => {
		for (const text of [
			'who at your office sorts out parking permits?',
			'la devolución del depósito quién me la soluciona?',
			'je la demande à qui, la facture détaillée ?',
			'Wer ist bei Ihnen für Lastschriften zuständig?',
			'a segunda via do boleto, a quem eu peço?',
			'la bolletta sbagliata chi me la risolve?',
			'wie gaat er bij jullie over de huurverhoging?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// Who does it said in a relative clause, not asked.
		expect(asks('mi gestor es quien me lleva las cuentas, mándale la factura')).toBe(false);
		expect(asks("envoyez la facture au syndic, c'est lui qui règle")).toBe(false);
		expect(asks('soy quien cuida al perro, la vacuna ya está puesta')).toBe(false);
	});

	it('reads asking who can help, tell or check, and whether to turn to the business or another party', () => {
		for (const text of [
			'who here could check my refund, the app just says pending',
			'quién me puede aclarar el recargo de la factura?',
			'qui pourrait me renseigner sur le remboursement ?',
			'wer kann mir bei der Rückerstattung weiterhelfen?',
			'quem pode verificar o meu reembolso?',
			'chi mi sa dire qualcosa del rimborso?',
			'wie kan mij vertellen waar mijn terugbetaling blijft?',
			'the cracked tile, do I sort it with you or with the builder?',
			'la garantía la veo con ustedes o con la marca?',
			'bin ich hier richtig für eine Reklamation?',
			'sono nel posto giusto per un reclamo?',
		]) {
			expect(asks(text)).toBe(true);
		}
		// Paying the business or someone else asks for no one; "ver" (see) is left out of the verbs
		// for who can see a thing; and a place to park is not a place to turn to.
		expect(asks('the deposit, do I pay it to you or to the landlord?')).toBe(false);
		expect(asks('quién puede ver mi perfil?')).toBe(false);
		expect(asks('is this the right place to park?')).toBe(false);
	});

	it('reads failing to reach a person as a request, in every language', () => {
		for (const text of [
			"I don't know how to get hold of a real person",
			'i cant seem to reach anyone at the depot',
			'no consigo hablar con nadie de la oficina',
			"je n'arrive pas à joindre quelqu'un du service client",
			'ich weiß nicht wie ich einen Mitarbeiter erreiche',
			'não consigo falar com ninguém do suporte',
			'non riesco a parlare con nessuno del negozio',
			'ik weet niet hoe ik een medewerker kan bereiken',
		])
			expect(asks(text)).toBe(true);
	});

	it("reads nobody answering as a request, but not a refusal or a call that isn't wanted", () => {
		expect(asks('called three times and nobody picks up')).toBe(true);
		expect(asks('nadie contesta el teléfono de la clínica')).toBe(true);
		expect(asks('niemand geht ran bei der Hotline')).toBe(true);
		expect(asks("I don't want to speak to anyone")).toBe(false);
		expect(asks('no quiero hablar con nadie')).toBe(false);
		expect(asks("please don't call me, I'm at work")).toBe(false);
	});

	it('reads a negation after the call-back in German, Dutch and French', () => {
		expect(asks('ruf mich bitte nicht an, ich schreibe lieber')).toBe(false);
		expect(asks('bel me aub niet, ik zit in een vergadering')).toBe(false);
		expect(asks('appelez-moi pas, je suis au travail')).toBe(false);
		expect(asks('nn mi richiamate, ho già risolto')).toBe(false);
		expect(asks('ruf mich bitte heute noch an')).toBe(true);
		expect(asks('bel me, niet mailen')).toBe(true);
	});

	it('reads the tú and vosotros forms of a Spanish call-back, and the pronoun after the Portuguese verb', () => {
		expect(asks('me puedes llamar? compré ayer la tarifa y no va')).toBe(true);
		expect(asks('llamadme cuando podáis')).toBe(true);
		expect(asks('me dais un toque al 612 345 678?')).toBe(true);
		expect(asks('Bom dia, podem ligar-me hoje à tarde?')).toBe(true);
		expect(asks('ligue pra mim amanhã cedo')).toBe(true);
		expect(asks('não precisa ligar-me, já resolvi')).toBe(false);
		expect(asks('no hace falta que me llaméis')).toBe(false);
	});

	it('reads asking whether the business returns calls, and call-backs as a plural noun', () => {
		expect(asks('do you do call-backs or is it chat only?')).toBe(true);
		expect(asks('Bieten Sie Rückrufe an?')).toBe(true);
		expect(asks('¿Me devuelven la llamada cuando puedan?')).toBe(true);
		expect(asks('Vocês retornam ligação no mesmo dia?')).toBe(true);
		expect(asks('posso avere una richiamata domani?')).toBe(true);
		expect(asks('Belt u terug als ik mijn nummer achterlaat?')).toBe(true);
		expect(asks('Proposez-vous des rappels téléphoniques ?')).toBe(true);
		// German and Dutch with the verb and its subject first and the particle last.
		expect(asks('Ruft ihr auch zurück? Die Heizung ist kalt')).toBe(true);
		expect(asks('bellen jullie ook even terug?')).toBe(true);
		expect(asks('ruft ihr bitte nicht zurück, ich schreibe lieber')).toBe(false);
		expect(asks('ik bel jullie morgen terug')).toBe(false);
		// A call-back that came, and one refused.
		expect(asks('la segreteria mi ha già richiamata, grazie')).toBe(false);
		expect(asks('no callbacks please, text only')).toBe(false);
		expect(asks('keine Rückrufe bitte, nur per Mail')).toBe(false);
	});

	it('reads asking to be written to privately, with the channel, in every language', () => {
		expect(asks('can someone from the team message me privately?')).toBe(true);
		expect(asks('send me the price in DM pls')).toBe(true);
		expect(asks('pm me pls')).toBe(true);
		expect(asks('escríbanme al privado 🙏')).toBe(true);
		expect(asks('por privado me escribes?')).toBe(true);
		expect(asks('écrivez-moi en MP svp')).toBe(true);
		expect(asks('schreib mir mal per PN')).toBe(true);
		expect(asks('me chama no pv')).toBe(true);
		expect(asks('mi scrivete in privato?')).toBe(true);
		expect(asks('stuur me even een pb')).toBe(true);
		// A verb of writing alone asks the bot for something in writing; a channel alone asks nothing.
		expect(asks('schreiben Sie mir die Öffnungszeiten')).toBe(false);
		expect(asks('send me the invoice')).toBe(false);
		expect(asks('I sent you a DM yesterday')).toBe(false);
		// A time, not a private message; a private message said not to be needed.
		expect(asks('send me the times after 5 pm')).toBe(false);
		expect(asks('no hace falta que me escriban al privado, díganme acá')).toBe(false);
		expect(asks('non serve scrivermi in privato, ditemi qui')).toBe(false);
	});

	it('keeps negation inside its clause', () => {
		expect(asks("I don't understand the form. Can I talk to a person?")).toBe(true);
		expect(asks("I don't want to talk to a person")).toBe(false);
	});
});

describe('negation words that are ordinary words in another language', () => {
	const read = (text: string) => analyseContactRequest(normaliseText(text).tokens);
	const scoreOf = (text: string) =>
		detectHandover({ conversationId: 'c', platform: 'generic', userMessage: text }, undefined)
			.scores.contactRequest;
	/** A firmly negated request, which the engine caps below any threshold a user would set. */
	const expectCappedRefusal = (text: string) => {
		expect(read(text)).toMatchObject({ negated: true, firmlyNegated: true });
		expect(scoreOf(text)).toBeLessThanOrEqual(0.3);
	};

	it('reads German "nem", "ne" and Dutch "\'n" as negation, but not firmly', () => {
		for (const text of [
			'kann ich bitte mit nem echten menschen sprechen',
			'will mit ne person reden',
			"kan ik 'n medewerker spreken",
		]) {
			expect(read(text)).toMatchObject({ negated: true, firmlyNegated: false });
		}
	});

	it('reads Dutch "pas" (a card, "not until") after a call-back as negation, but not firmly', () => {
		for (const text of ['kan iemnd me bellen asap pas geblokt', 'bel me pas na vijf uur']) {
			expect(read(text)).toMatchObject({ negated: true, firmlyNegated: false });
		}
	});

	it('reads negation words of every language that has them as firm, and two ambiguous ones', () => {
		for (const text of [
			'ich will nicht mit einem menschen sprechen',
			'je ne veux pas parler à un conseiller',
			'não quero falar com atendente',
		]) {
			expect(read(text)).toMatchObject({ negated: true, firmlyNegated: true });
		}
	});

	it('asks nothing with a greeting alone, nor lets a greeting clause lend a message a request', () => {
		for (const text of ['Servus', 'hey', 'hola, buenas'])
			expect(scoreOf(text)).toBeLessThanOrEqual(0.3);
		expect(
			scoreOf('Servus, seit Montag hab ich ständig Abbrüche, der Router blinkt orange'),
		).toBeLessThan(0.5);
		expect(scoreOf('hallo, kann ich bitte mit einem Mitarbeiter sprechen')).toBeGreaterThan(0.5);
	});

	it('reads Portuguese "no" ("in the") before a word the tables do not know as an ambiguous negation', () => {
		expect(read('no computador queria falar com um atendente')).toMatchObject({
			negated: true,
			firmlyNegated: false,
		});
		expect(read('no quiero hablar con un agente')).toMatchObject({ firmlyNegated: true });
		expect(read('no deseo hablar con un asesor')).toMatchObject({ firmlyNegated: true });
	});

	it('reads wanting to reach nobody as a firm refusal, and failing to reach anybody not', () => {
		for (const text of [
			'no quiero hablar con nadie por teléfono',
			'non voglio parlare con nessuno al telefono, preferisco scrivere',
			'não quero falar com ninguém, só quero o link',
		])
			expectCappedRefusal(text);
		expect(read('no consigo hablar con nadie')).toMatchObject({ negated: false });
		expect(read('nadie contesta el teléfono')).toMatchObject({ negated: false });
	});

	it('reads saying a call or a person is not needed as a firm refusal, however far they come after', () => {
		for (const text of [
			"Pas besoin que quelqu'un de la crèche me rappelle comme je l'avais demandé",
			"Non c'è più bisogno che la coordinatrice mi richiami",
			'No need for anyone from the office to give me a call back',
			'ya no hace falta que la doctora de guardia me llame',
			'Não é preciso que o técnico da loja me ligue',
			'nessun bisogno di richiamarmi, mandatemi la conferma via mail',
			'ninguna necesidad de que me llamen, con el correo basta',
			'nenhuma necessidade de me ligar, podem mandar por e-mail',
			'nobody needs to call me back, it is sorted',
			'Niemand muss mich anrufen, die Anleitung hat gereicht',
			'nessuno deve richiamarmi, ho risolto',
			"personne n'a besoin de me rappeler, merci",
		])
			expectCappedRefusal(text);
		// Its clause ends at a break: what follows "but", "just" or a comma is read on its own.
		expect(asks('no need to explain just get me a human')).toBe(true);
		expect(asks("pas besoin de m'expliquer, je veux parler à un conseiller")).toBe(true);
	});

	it('reads a request the contact was about to make as a firm refusal, in every language', () => {
		for (const text of [
			'I was about to ask for someone to phone me but the link worked, thanks',
			'estuve a punto de pedir que me llamen, pero ya lo encontré',
			"j'étais à deux doigts de demander qu'on me rappelle, mais c'est réglé",
			// Without the comma German puts before the infinitive: the phrase reads only in its clause.
			'ich war kurz davor um einen Rückruf zu bitten aber jetzt geht es',
			'quase pedi pra falar com um atendente, mas deu certo',
			'stavo per chiedere di parlare con un operatore ma ho risolto',
			'ik stond op het punt om te vragen of jullie konden terugbellen maar het werkt al',
		])
			expectCappedRefusal(text);
		// The comma German and Dutch put before "dass", "um" and "om" does not end the phrase.
		for (const text of [
			'ich war kurz davor, um einen Rückruf zu bitten, aber jetzt geht es',
			'Es ist nicht mehr nötig, dass Sie mich zurückrufen',
			'het is niet meer nodig, dat jullie me bellen hoor',
			'no hace falta, que me llamen',
		])
			expectCappedRefusal(text);
		// Nor does a full stop before a new request.
		expect(asks('Nicht nötig. Rufen Sie mich bitte an')).toBe(true);
		// A polite "I was going to ask" still asks, and so does a request after the clause breaks.
		expect(asks('I was going to ask if someone could call me tomorrow')).toBe(true);
		expect(asks('I was about to give up, but can someone call me?')).toBe(true);
	});

	it('reads a call-back called off as a firm refusal, before or after the call-back', () => {
		for (const text of [
			'please cancel my callback for friday',
			'olvidad lo de que me llamen, ya está',
			'vous pouvez oublier le rappel de demain',
			'Der Rückruf kann storniert werden',
			'stornieren Sie den Rückruf',
			'pode desmarcar o retorno de amanhã',
			'het terugbelverzoek mag ingetrokken worden',
			'la devolución de llamada está cancelada, gracias',
			// Asked to stop calling: the calls are turned down, not asked for.
			'dejen de llamarme, ya les dije que no',
			"arrêtez de m'appeler pour vos offres",
			'parem de me ligar com promoções',
			'smettetela di chiamarmi per le offerte',
		])
			expectCappedRefusal(text);
		// A verb that calls something else off, a negated one ("don't forget"), or a call-back to call
		// something off still asks.
		for (const text of [
			'cancel my order and call me back',
			'cancel and call me back',
			"don't forget to give me a call",
			'no olvide llamarme mañana',
			"n'oubliez pas de me rappeler",
			'non dimenticate di richiamarmi',
			'Rückruf zum Stornieren bitte',
			'call me back to cancel my subscription',
			'stop the bot and call me back',
			'dejen el chatbot y llámenme',
		])
			expect(asks(text)).toBe(true);
	});

	it('reads an order to put the contact through after a negated complaint in run-on chat', () => {
		for (const text of [
			'not helpful put me through to a manager',
			'no me entiendes nada pásame con un humano ya',
			"vous m'avez pas répondu passez-moi quelqu'un du restaurant",
			'nao respondeu minha pergunta me passa para um atendente',
			'non hai risposto passami un operatore',
			'dat is niet wat ik vroeg verbind me door met een medewerker',
			'dat is niet wat ik vroeg verbind mij door met een medewerker',
			// German and Dutch negate an order after it, so a negation just before it is the complaint's.
			'das hilft nicht verbinden Sie mich mit einem Mitarbeiter',
			'dat helpt niet verbind mij door met iemand',
		])
			expect(asks(text)).toBe(true);
		// The negation of the order itself, or of wanting it, still refuses.
		for (const text of [
			"I don't want you to connect me with an agent",
			'ne me passez pas de conseiller',
			'não me passa para atendente nenhum',
			'verbinden Sie mich nicht mit einem Mitarbeiter',
			'verbind mij niet door met iemand',
		])
			expect(read(text)).toMatchObject({ negated: true, firmlyNegated: true });
		// An infinitive after a word of wanting the tables lack is no order: its negation holds.
		expect(asks("j'ai pas envie d'en parler à quelqu'un")).toBe(false);
		expect(asks('No me interesa hablar con un ejecutivo')).toBe(false);
	});

	it('leaves a request negated only by such a word to the weights, and caps a firm negation', () => {
		expect(scoreOf('kann ich bitte mit nem echten menschen sprechen')).toBeGreaterThan(0.5);
		expect(scoreOf('ich will nicht mit einem echten menschen sprechen')).toBeLessThanOrEqual(0.3);
	});
});

describe('findContactRequest on adversarial input (linear: each clause is read once)', () => {
	const million = (unit: string) => unit.repeat(Math.ceil(1_000_000 / unit.length));

	it('reads a million characters of one person word in one clause', () => {
		const tokens = normaliseText(million('agent ')).tokens;
		expect(tokens.length).toBeGreaterThan(150_000);
		// Nothing but person words asks for one ("live agent"); the evidence is the clause.
		expect(findContactRequest(tokens)?.length).toBe(tokens.length * 6 - 1);
	});

	it('reads a million characters of owned person words without finding a request', () => {
		expect(findContactRequest(normaliseText(million('my agent ')).tokens)).toBeUndefined();
	});

	it('reads a million characters of refused call-backs in one clause without finding a request', () => {
		expect(findContactRequest(normaliseText(million('dont call me ')).tokens)).toBeUndefined();
	});

	it('reads a million characters of private channels and verbs of writing too far apart', () => {
		// Three words from a channel to the verb after it, five from a verb to the channel after it.
		const text = million('dm a b c write me d e f g h ');
		expect(findContactRequest(normaliseText(text).tokens) === undefined).toBe(true);
	});

	it('finds a request after a million characters of clauses without one', () => {
		const text = `${million('my agent, ')} can I talk to a human?`;
		expect(findContactRequest(normaliseText(text).tokens)).toBe('can i talk to a human');
	});
});
