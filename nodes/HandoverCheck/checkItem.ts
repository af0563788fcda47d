import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { checkTurn, type CheckOutcome, type ModelAccess } from '../detector/checkTurn';
import type { DetectSettings } from '../detector/turnHandler';
import { detectorOptions, type TriggerOptions } from '../detector/turnSettings';
import type { Turn } from '../engine/types';
import { parseGeneric } from '../platforms/generic/inbound';
import { requiredString } from '../shared/parameters';
import { storeFromParameters } from '../shared/storeProvider';

/** The Turn Details collection: what a bot built in n8n may know beside the message. */
interface TurnDetails {
	botReply?: string;
	botConfidence?: number;
	staffReply?: boolean;
	contactName?: string;
	contactEmail?: string;
	contactPhone?: string;
	platform?: string;
	contactId?: string;
	locationId?: string;
	accountId?: string;
	channel?: string;
}

/** The generic payload's field names, as this node's parameters call them. */
const FIELD_NAMES: Record<string, string> = {
	conversationId: 'Conversation ID',
	userMessage: "Contact's Message",
	botReply: "Bot's Reply",
	botConfidence: 'Bot Confidence',
	staffReply: 'Written by a Person',
	contactId: 'Contact ID',
	accountId: 'Chatwoot Account ID',
	locationId: 'HighLevel Location ID',
	channel: 'Channel',
	platform: 'Platform',
	'contact.name': 'Contact Name',
	'contact.email': 'Contact Email',
	'contact.phone': 'Contact Phone',
};

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/**
 * The turn of item `itemIndex`, read through the generic payload's parser: the Check accepts what
 * the detector's webhook accepts, with errors in the words of this node's fields.
 */
export function turnOf(context: IExecuteFunctions, itemIndex: number): Turn {
	const conversationId = requiredString(context, 'conversationId', 'Conversation ID', itemIndex);
	const details = context.getNodeParameter('turnDetails', itemIndex, {}) as TurnDetails;
	const body = {
		conversationId,
		userMessage: text(context.getNodeParameter('message', itemIndex, '')),
		botReply: text(details.botReply),
		...(details.botConfidence !== undefined && { botConfidence: details.botConfidence }),
		...(details.staffReply !== undefined && { staffReply: details.staffReply }),
		contactId: text(details.contactId),
		locationId: text(details.locationId),
		accountId: text(details.accountId),
		channel: text(details.channel),
		contact: {
			name: text(details.contactName),
			email: text(details.contactEmail),
			phone: text(details.contactPhone),
		},
	};
	// The Platform parameter is the user's own setting, so it may name a platform; a webhook body may not.
	const parsed = parseGeneric(body, { platform: details.platform || 'generic' });
	if (parsed.ok && 'turn' in parsed) return parsed.turn;
	const error = parsed.ok ? 'the turn was ignored' : parsed.error;
	const message = error
		.replace(/^Invalid payload: /, '')
		.replace(/"([\w.]+)"/g, (quoted, field: string) => FIELD_NAMES[field] ?? quoted);
	throw new NodeOperationError(context.getNode(), message, {
		itemIndex,
		description:
			"Map the contact's message (or the bot's reply) and the conversation ID from the input, e.g. {{ $json.chatInput }} and {{ $json.sessionId }} after a Chat Trigger",
	});
}

/** The detector settings of item `itemIndex`: the same triggers and options as the detector. */
export function checkSettings(context: IExecuteFunctions, itemIndex: number): DetectSettings {
	const triggers = context.getNodeParameter('triggers', itemIndex, []) as string[];
	const options = context.getNodeParameter('options', itemIndex, {}) as TriggerOptions;
	return {
		detector: detectorOptions(triggers, options),
		pauseOnHandoverMs: (options.pauseOnHandoverMinutes ?? 0) * 60_000,
	};
}

/** Checks item `itemIndex`'s turn against the conversation's state. */
export async function checkItem(
	context: IExecuteFunctions,
	itemIndex: number,
	model: ModelAccess | undefined,
	now: Date = new Date(),
): Promise<CheckOutcome> {
	const turn = turnOf(context, itemIndex);
	const settings = checkSettings(context, itemIndex);
	const store = await storeFromParameters(context, itemIndex);
	return await checkTurn(settings, store, turn, now, model);
}

/** The item that leaves the node: the input's own fields, the event on a handover, the decision. */
export function outputItem(input: IDataObject, outcome: CheckOutcome): IDataObject {
	return {
		...input,
		...(outcome.event as unknown as IDataObject | undefined),
		handoverCheck: outcome.decision as unknown as IDataObject,
	};
}
