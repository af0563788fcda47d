/**
 * HighLevel as the action nodes reach it: the credential, the client over the package transport,
 * and the actions in HighLevel's terms. HighLevel acts on the contact: it is assigned, tagged,
 * given tasks and notes; the sub-account scopes state.
 */
import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { HIGHLEVEL_BASE_URL } from '../../../credentials/HighLevelPrivateIntegrationApi.credentials';
import { createTransport } from '../../shared/transport';
import type { Person } from '../person';
import {
	ParameterProblem,
	type PlatformAdapter,
	type PlatformDescriptor,
	type ReplyRequest,
} from '../platformAdapter';
import { HighLevelClient, type HighLevelMessageType, type HighLevelUser } from './client';
import { typeForChannel, typeOfOption } from './messageTypes';

export const HIGHLEVEL_PLATFORM = {
	id: 'highlevel',
	name: 'HighLevel',
	credentialType: 'highLevelPrivateIntegrationApi',
	authentications: [
		{
			name: 'Private Integration Token',
			value: 'privateIntegration',
			credentialType: 'highLevelPrivateIntegrationApi',
		},
		{
			name: 'OAuth2 (n8n HighLevel Credential)',
			value: 'oAuth2',
			// n8n's own HighLevel credential, which users of n8n's HighLevel node already have.
			credentialType: 'highLevelOAuth2Api',
		},
	],
	subject: { field: 'contactId', label: 'Contact ID' },
	personNoun: 'User',
	noPeopleHint: 'The sub-account has no users: add users in HighLevel, or choose other candidates.',
} as const satisfies PlatformDescriptor;

export function personFromUser(user: HighLevelUser): Person {
	return {
		id: user.id,
		name: user.name || user.id,
		...(user.email ? { email: user.email } : {}),
		...(user.deleted ? { deleted: true } : {}),
	};
}

/** The message type that answers the contact, and why another one than their channel was used. */
function replyType(request: ReplyRequest): { type: HighLevelMessageType; note?: string } {
	if (request.messageType !== 'fromEvent') {
		const type = typeOfOption(request.messageType);
		if (!type) {
			throw new ParameterProblem(
				`Unknown Message Type "${request.messageType}"`,
				'Pick a Message Type from the list',
			);
		}
		return { type };
	}
	const mapped = typeForChannel(request.eventChannel);
	if (mapped.ok) return { type: mapped.type };
	const type = typeOfOption(request.fallbackType);
	if (!type) {
		throw new ParameterProblem(
			`Cannot answer on the contact's channel: ${mapped.why}`,
			'Choose a Message Type, or a Fallback Message Type other than "Fail the Item"',
		);
	}
	return { type, note: `Sent as ${type}: ${mapped.why}` };
}

export function highLevelAdapter(client: HighLevelClient, locationId: string): PlatformAdapter {
	return {
		descriptor: HIGHLEVEL_PLATFORM,
		scope: locationId,
		checkSubjectId: () => undefined,
		checkPersonId: () => undefined,
		conversationLink: (contactId) =>
			`https://app.gohighlevel.com/v2/location/${locationId}/conversations/conversations?contactId=${encodeURIComponent(contactId)}`,
		listPeople: async () => (await client.listUsers()).map(personFromUser),
		personName: async (userId) => (await client.getUser(userId)).name || undefined,
		assign: async (contactId, userId) => {
			// The answer carries only ids: the name comes from the people list when needed.
			await client.assignContact(contactId, userId);
			return {};
		},
		addTags: async (contactId, tags) => (await client.addTags(contactId, tags)).tags,
		createFollowUp: async (contactId, followUp) => {
			const task = await client.createTask(contactId, {
				title: followUp.title,
				body: followUp.body,
				dueDate: followUp.due,
				...(followUp.assignee ? { assignedTo: followUp.assignee.id } : {}),
			});
			return {
				kind: 'task',
				id: task.id,
				title: task.title,
				dueDate: task.dueDate,
				assigneeId: task.assignedTo ?? null,
			};
		},
		prepareReply: (contactId, request) => {
			const { type, note } = replyType(request);
			const subject = type === 'Email' ? request.emailSubject : undefined;
			return {
				send: async () => {
					const sent = await client.sendMessage({
						type,
						contactId,
						message: request.message,
						...(subject !== undefined ? { subject } : {}),
					});
					return {
						contactId,
						conversationId: sent.conversationId,
						messageId: sent.messageId,
						type,
						...(note !== undefined ? { note } : {}),
					};
				},
			};
		},
		pause: async (contactId, request) => {
			// HighLevel's API cannot pause its Conversation AI for one contact; a tag lets the user's
			// HighLevel workflows and bot rules leave the contact alone.
			if (request.tags.length > 0) await client.addTags(contactId, request.tags);
			return { tagged: request.tags };
		},
		resume: async (contactId, tags) => {
			// Removing a tag the contact does not have is harmless, so a re-run changes nothing.
			if (tags.length > 0) await client.removeTags(contactId, tags);
			return { untagged: tags };
		},
		notifyPeople: async (contactId, people, text) => {
			// HighLevel's API cannot message a user: the people follow the contact and the text is a
			// note on it. Followers first: adding them twice is harmless, while the note is a POST
			// that running the item again after a failure would write twice.
			const ids = people.map((person) => person.id);
			const followers = await client.addFollowers(contactId, ids);
			const note = await client.createNote(contactId, { body: text, userId: ids[0] });
			return { noteId: note.id, followersAdded: followers.followersAdded };
		},
	};
}

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** The Authentication parameter: per item in an execution, the current value in a dropdown. */
function authenticationOf(context: Context, itemIndex: number | undefined): string {
	const value =
		'getCurrentNodeParameter' in context
			? context.getCurrentNodeParameter('authentication')
			: context.getNodeParameter('authentication', itemIndex ?? 0, 'privateIntegration');
	return value === 'oAuth2' ? 'oAuth2' : 'privateIntegration';
}

/**
 * The sub-account of the credential: a Private Integration names it; an OAuth2 connection is
 * made for one location, which HighLevel returns with the token.
 */
function locationOf(credentials: IDataObject, oAuth2: boolean): string {
	if (!oAuth2) return String(credentials.locationId ?? '');
	const token = (credentials.oauthTokenData ?? {}) as IDataObject;
	return String(token.locationId ?? '');
}

/** The HighLevel adapter over the package transport and the node's credential. */
export async function connectHighLevel(
	context: Context,
	itemIndex?: number,
): Promise<PlatformAdapter> {
	const oAuth2 = authenticationOf(context, itemIndex) === 'oAuth2';
	const credentialType = HIGHLEVEL_PLATFORM.authentications[oAuth2 ? 1 : 0].credentialType;
	const credentials = await context.getCredentials(credentialType, itemIndex);
	// n8n's OAuth2 credential has no Base URL field: the API's own address (tests give one).
	const baseUrl = String(credentials.baseUrl || HIGHLEVEL_BASE_URL);
	const locationId = locationOf(credentials, oAuth2);
	if (!locationId) {
		throw new ParameterProblem(
			'The HighLevel credential names no location',
			oAuth2
				? 'Reconnect the HighLevel OAuth2 credential and choose a sub-account (location) when HighLevel asks'
				: 'Set Location ID in the HighLevel Private Integration credential',
		);
	}
	const send = createTransport(context, {
		platformName: HIGHLEVEL_PLATFORM.name,
		credentialType,
		baseUrl,
		credentialHint: oAuth2
			? 'the HighLevel OAuth2 credential and its scopes'
			: 'the Private Integration token and Location ID in the HighLevel credential',
		itemIndex,
	});
	return highLevelAdapter(new HighLevelClient(send, locationId), locationId);
}
