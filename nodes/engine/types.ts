/** Shapes shared by the detection engine, the store and the nodes (DESIGN.md §3). No n8n import here. */

export type Platform = 'highlevel' | 'chatwoot' | 'generic';

export type HandoverReason = 'contact_request' | 'lack_of_information' | 'failed_to_resolve';

export type SuppressionReason = 'already_handed_over' | 'bot_paused';

/** One conversation turn as the detector sees it, after any platform payload is normalised. */
export interface Turn {
	conversationId: string;
	contactId?: string;
	platform: Platform;
	accountId?: string;
	locationId?: string;
	channel?: string;
	userMessage?: string;
	botReply?: string;
	/** The bot's own confidence in its reply, 0..1. */
	botConfidence?: number;
	/** The bot says itself that it could not answer. */
	botUnanswered?: boolean;
	/** A person (staff) wrote this reply: the conversation is taken over, the bot must stay quiet. */
	staffReply?: boolean;
	contact?: { name?: string; email?: string; phone?: string };
	timestamp?: string;
	/** The platform's id of this message: a delivery seen again is the same turn, counted once. */
	messageId?: string;
}

export interface TranscriptEntry {
	role: 'user' | 'bot' | 'staff';
	text: string;
	at: string;
}

/** What the detector remembers of one conversation between turns. */
export interface ConversationMemory {
	/** Unsuccessful attempts counted since the last success or handover. */
	failedAttempts: number;
	/** Normalised recent user messages, newest last, to spot a repeated question. */
	lastUserMessages: string[];
	transcript: TranscriptEntry[];
	/** How surely the bot's last reply lacked information (0–1), read when it came; absent before one. */
	lastReplyNoInformation?: number;
	/** The bot's last reply's part of the turn-words log-odds (model/turnWords.ts); absent before one. */
	lastReplyTurnWords?: number;
	/**
	 * The turn judge's reading of the latest contact message, kept when it was not counted as an
	 * unsuccessful attempt and the bot's reply to it had not come with it: the reply, sent as an event
	 * of its own (as HighLevel and Chatwoot do), is read with it.
	 */
	pendingAttempt?: PendingAttempt;
	/**
	 * True once a bot reply came as an event of its own: from then on a contact message that is
	 * not surely a complaint is judged with the reply to it, as when the two come together.
	 */
	repliesApart?: boolean;
	/** The contact's latest message was read as a success (the count restarted on it). */
	afterSuccess?: boolean;
	/** ISO time of the last handover of this conversation. */
	handedOverAt?: string;
	/** ISO time until which the bot stays quiet (set by a handover or by the Pause Bot node). */
	pausedUntil?: string;
	lastHandoverId?: string;
	/** The load key of whom the open handover was assigned to, so that closing it frees them. */
	assignee?: string;
	updatedAt: string;
}

export interface PendingAttempt {
	/** The turn judge's features (turnJudge.ts), in their order. */
	features: number[];
	/** The turn-words log-odds without the reply's part. */
	turnWords: number;
	evidence: string;
	/**
	 * The judge's probability without the reply, when that read as an unsuccessful attempt but not
	 * surely: the reply decides, or, if none comes before the contact's next message, this counts.
	 */
	withoutReply?: number;
}

export interface ExtraPhrases {
	contactRequest: string[];
	lackOfInformation: string[];
	failedToResolve: string[];
	success: string[];
}

export interface DetectorOptions {
	triggers: {
		contactRequest: boolean;
		lackOfInformation: boolean;
		failedToResolve: boolean;
	};
	/** Unsuccessful attempts that make a handover. */
	failedAttempts: number;
	/** A bot reply with a confidence below this is treated as no answer. */
	confidenceThreshold: number;
	/**
	 * Probability (0–1) the learned scorer must reach to call a message a request for a person, a
	 * bot reply one without an answer, or a message a complaint. Lower finds more, higher is surer.
	 */
	detectionThreshold: number;
	extraPhrases: ExtraPhrases;
	/** After a handover, the same conversation does not hand over again within this time. */
	coolDownMinutes: number;
	/** When a person replies in the conversation, the bot stays quiet this long. */
	staffReplyPauseMinutes: number;
	/** Transcript entries kept per conversation. */
	transcriptLength: number;
}

export interface DetectionScores {
	/** The contact's message asks for a person. */
	contactRequest: number;
	/** The bot's reply does not give the contact what they asked. */
	lackOfInformation: number;
	/**
	 * The contact's message is an unsuccessful attempt (says, or shows by asking again, that the last
	 * answer did not help), judged in its conversation; 0 for a conversation's opening message.
	 */
	dissatisfaction: number;
}

/**
 * Another judge's verdict on a turn the rules were unsure of (a language model's, in the Handover
 * Check node). It replaces the rules' decision on this turn; counting and suppression stay the
 * rules'.
 */
export interface SecondOpinion {
	handover: boolean;
	reason: HandoverReason | null;
	confidence: number;
}

export interface DetectionResult {
	handover: boolean;
	reason: HandoverReason | null;
	/** The words (or signal) that made the decision, for people reading the event. */
	evidence: string;
	suppressed?: SuppressionReason;
	/**
	 * How sure the detector is of its decision, 0–1: of the reason when it hands over, that no
	 * person is needed when it does not.
	 */
	confidence: number;
	/** The scorer's probability for each trigger on this turn, whether or not it fired. */
	scores: DetectionScores;
	/** Unsuccessful attempts counted up to this turn (memory resets to 0 after a handover). */
	failedAttempts: number;
	memory: ConversationMemory;
}
