/**
 * The phrase grammar of one language, written in normalised text (see normalise.ts): lower case,
 * no accents, "don't" as "dont", elisions split ("l agent"). Word lists may hold phrases of any
 * length (most have one to three words). The `*Patterns` lists are regular-expression sources
 * matched on whole words.
 */
export interface LanguagePhrases {
	/** Words for a person the contact can be handed to: human, agent, representative, staff … */
	person: string[];
	/** Someone, anybody: a person only when a verb of reaching points at it. */
	someone: string[];
	/** Nobody: never a request ("I don't want to talk to anyone" → "nadie", "niemand"). */
	nobody: string[];
	/** Verbs of reaching that take a person: talk, speak, connect, transfer … */
	reach: string[];
	/** Verbs of wanting that take a person directly: need, want, get me … */
	want: string[];
	/** What a person does for the contact, after the person: call, reply, help … */
	act: string[];
	/** Phrases that ask for a call back on their own. */
	callback: string[];
	/**
	 * Verbs of writing or sending to the contact: "message me", "escríbanme", "schreib mir",
	 * "mandami". With a private channel (below) a few words away they ask the business to write
	 * privately, as a call-back asks it to call ("escríbanme al privado", "schreib mir per PN",
	 * "send me the price in DM"). Alone they as often ask the bot for something in writing
	 * ("schreiben Sie mir die Öffnungszeiten"), so alone they are not read.
	 */
	writeToMe: string[];
	/**
	 * Private channels of social media and chat apps: "privately", "al privado", "en MP", "per PN",
	 * "no pv", "in privato", "een pb", "DM", "inbox". Its last word, the channel's noun, marks a
	 * clause for the grammar to parse.
	 */
	privateChannel: string[];
	/**
	 * German and Dutch ask whether the business calls back with the verb and its subject first and
	 * the particle last, often with words between ("Ruft ihr auch zurück?", "bellen jullie ook
	 * terug?"): the verb, its subject and the particle, each one word. Read as a call-back when the
	 * particle follows within a few words.
	 */
	splitCallback?: Array<[verb: string, subject: string, particle: string]>;
	/** Negation words; their scope ends at a clause break. */
	negation: string[];
	/**
	 * "pas besoin que", "no need for": saying something is not needed, before what is not needed.
	 * It negates the rest of its clause, however far the call or the person comes after it ("pas
	 * besoin que quelqu'un de la crèche me rappelle").
	 */
	needless: string[];
	/**
	 * "I was about to ask", "j'étais à deux doigts de", "ich war kurz davor": a request the contact
	 * nearly made and no longer makes. Read as `needless`: it negates the rest of its clause. Not
	 * "I was going to ask" or "volevo chiedere", which are as often a polite way to ask now.
	 */
	aboutTo: string[];
	/**
	 * Verbs that call something off, single words: "cancel", "annulez", "olvida", "vergeet". Before a
	 * call-back with at most a few short words between ("cancel my call back", "annulez le rappel",
	 * "olvida lo de que me llame"), they turn it down, unless they are negated themselves ("don't
	 * forget to call me").
	 */
	cancel: string[];
	/**
	 * The same after the call-back, as German and Dutch put the verb last and passives put the
	 * participle last ("den Rückruf bitte stornieren", "de terugbelafspraak mag geannuleerd worden",
	 * "la llamada está cancelada"): within two words of it. Single words.
	 */
	cancelAfter: string[];
	/**
	 * How often something keeps happening: "every day", "todos los días", "ständig", "de hele tijd".
	 * A call in the same message is one the contact gets, not one they ask for ("someone keeps
	 * calling me", "Mich ruft ständig jemand an"). Read by the learned scorer, not the grammar.
	 */
	habitual: string[];
	/** "why can't I": a negation that is a question, not a refusal. */
	questionNegation: string[];
	/** Before a person word, makes it someone else's (my agent, our agent). */
	possessive: string[];
	/** Before a person word, says the contact is one (I'm an agent myself). */
	self: string[];
	/** After a person word, makes it a thing (human resources, human-centered). */
	notPerson: string[];
	/** Words for the bot, for "I don't want a bot" and "stop the bot". */
	bot: string[];
	/** Words that say enough of the bot: stop, tired of … */
	refuse: string[];
	/** Words that may stand alone with a person word: "live agent", "human please". */
	filler: string[];
	/** Conjunctions that start a new clause, like a comma. */
	clauseBreak: string[];
	/** A bot reply that says it cannot answer. */
	noAnswerPatterns: string[];
	/** Look-alikes of the above that are not (I'm not sure if you saw …). */
	noAnswerExceptions: string[];
	/**
	 * A reply that says the asked thing is not known yet: not decided, confirmed or announced ("the
	 * date hasn't been confirmed yet"). Not "not possible" or "not offered", which answer.
	 */
	notYetKnown: string[];
	/**
	 * A bot offering its help or its menu, or saying it did not understand: sent back to a
	 * question, it answered nothing ("How can I help?", "Sorry, I didn't get that").
	 */
	offersInsteadOfAnswering: string[];
	/**
	 * Words of a bot's closing question that ask what a step it gave did: "now", "still", "again",
	 * "worked", "fixed" ("Does the light turn green now?", "¿Sigue saliendo E21?", "Klappt es
	 * jetzt?"). After such a question a short "same" or "nope" reports a failed step. Matched as
	 * whole words, so a phrase that holds one of them ("immer noch" after "noch") is not listed.
	 */
	stepOutcome: string[];
	/** A closing question that offers more rather than asks about a step: "anything else", "would you like". */
	moreOffered: string[];
	/**
	 * Openings of a question written without a question mark, as people type into chat boxes:
	 * question words, a verb before its subject ("do you", "habt ihr", "mag ik"), "I wanted to know".
	 * Matched in a message's first words.
	 */
	questionOpeners: string[];
	/**
	 * A bot handing the question on or to later instead of answering: pass on, forward, check with,
	 * get back to you, let you know, will be in touch. Read by the learned scorer, not the grammar.
	 */
	deferral: string[];
	/** An answer that depends or varies without saying on what it comes to: depends, varies, case by case. */
	variesBy: string[];
	/** What bots may not give: advice, a diagnosis, a recommendation, an assessment. */
	adviceTopics: string[];
	/** Greetings and hesitations a message may open with before its question: hi, hola, ähm. */
	greetings: string[];
	/** Roles and departments of a business (doctor, front desk, billing): a person only when reached. */
	role: string[];
	/**
	 * In languages that write compounds as one word (German, Dutch), a word ending in a `person` or
	 * `role` word of at least five letters reads as it ("Stationsschwester", "verhuurmakelaar"),
	 * except these heads, whose compounds most often mean a thing ("Ausverkauf" is a sale).
	 */
	compoundHeadsExcept?: string[];
	/** Question words for a person ("who do I talk to about …"): a person only when reached. */
	who: string[];
	/**
	 * The same with "with" ("con quién", "mit wem"): a person only with a verb of talking, not with
	 * one of sending or writing ("mit wem schreibe ich hier?" asks whether the bot is a person).
	 */
	whoWith: string[];
	/** Words for a phone number or a line to call: read by the learned scorer, not the grammar. */
	phone: string[];
	/** Money and payments, so that "transfer 300 to the agent" reads as a payment, not a handover. */
	money: string[];
	/** Past and done: "already", "spoke", "yesterday" — read by the learned scorer. */
	past: string[];
	/** Booking words: a booking with a named person is not a request to reach them. */
	booking: string[];
	/** Is someone there: "available", "in today", "está". */
	presence: string[];
	/** Counts of people in a booking: "people", "adults", "we are". */
	count: string[];
	/**
	 * Not managing or not knowing how: "can't", "don't know", "no consigo", "n'arrive pas". Before a
	 * verb of reaching a person it is a request that failed, not a refusal: its negation is not read
	 * there ("I don't know how to reach a person"), nor its "nobody" ("no consigo hablar con nadie").
	 */
	inability: string[];
	/**
	 * Asking who is in charge of a topic or whom to turn to: "who handles refunds", "quién se encarga
	 * de", "wer ist zuständig für", "wie moet ik …". A request on its own. Also asking whether this
	 * is the place to turn to ("bin ich hier richtig für", "c'est bien ici pour") and whether to turn
	 * to the business or another party ("with you or with the seller", "com vocês ou com a
	 * prefeitura"); not "to you or" ("do I pay it to you or to the landlord") nor "or
	 * elsewhere" (where an exam is held), which read as many payments and places as requests.
	 */
	whoHandles: string[];
	/** Question words that ask which one: "which", "qué", "quel", "welche". */
	whichWords: string[];
	/**
	 * A business's departments, teams and desks. After a word of `whichWords` they ask whom to turn
	 * to, a request as `whoHandles` is: "which department handles refunds?", "c'est quel service ?",
	 * "welche Abteilung ist zuständig?", "é com que setor?". Left out where "which" + the noun mostly
	 * asks something else: English "office" ("what office hours"), Spanish and Portuguese "servicio",
	 * "serviço" (which product), German "Stelle" ("an welcher Stelle": where).
	 */
	desks: string[];
	/**
	 * Verbs of turning to someone (sending, calling, writing, asking, complaining to) that, beside a
	 * question word for a person, ask whom to contact: "who do I send the photos to", "a quién
	 * llamo", "wem schicke ich das". First-person and infinitive forms only: "quien llama" is who
	 * calls. Never a request beside a person word: "send it to the agent" moves a file.
	 * Verbs of handling a matter are here in the third person, as the question asks who does it:
	 * "who at the agency deals with repairs", "quién me lo soluciona", "wer ist bei Ihnen für
	 * Umbuchungen zuständig", "chi me la risolve" (not "chi se ne occupa": Italian "ne" reads as a
	 * negation). Left out where a relative clause says who does it
	 * ("es quien me lleva las cuentas", "c'est lui qui règle", "soy quien cuida a Toby"): Spanish
	 * "lleva", Portuguese "cuida", French "règle"; and Spanish "atiende", a verb of reaching already
	 * ("¿me atiende una persona?"), which lost that reading here.
	 * So are verbs of helping, telling and checking: "who can help me with the invoice", "quién me
	 * puede aclarar esto", "wer kann mir da weiterhelfen", "chi mi sa dire". Not "see" ("quién
	 * puede ver mi perfil" asks about privacy). French "qui" and Dutch "wie" are too ambiguous for
	 * the window, so they take these as phrases of `whoHandles` ("qui peut me renseigner", "wie kan
	 * mij helpen"). A relative clause with one still reads ("the plumber who came to check the
	 * boiler"): rare in the corpus, and the weights weigh it.
	 */
	whoAddress: string[];
	/** The business's people do not answer: "nobody picks up", "nadie contesta". A request on its own. */
	unanswered: string[];
	/**
	 * Negation that follows the verb it negates: "ruf mich bitte nicht an", "bel me niet",
	 * "appelez-moi pas". Read after a call-back as well as before it.
	 */
	negationAfter: string[];
	/**
	 * A contact's question that asks for a figure, a time or a date: how much, when, the price. A
	 * reply to it with no digit and no word of "free" (below) gave no figure. Read by the learned scorer.
	 */
	askFigure: string[];
	/** "Free", "included": a reply's answer to a question of price without a digit. */
	freeOfCharge: string[];
	/**
	 * A figure, a day or a month written in words: "two", "half", "midday", "Monday", "March".
	 * A reply holding one gives a figure as a digit would ("it arrives in two days"). A word that
	 * means something else in another of the languages ("dos", "due", "sei", "onze", "mai") is
	 * given only with the word after it that makes it a figure ("dos días", "due giorni", "im mai").
	 */
	figureWords: string[];
}
