/**
 * Chatwoot as the action nodes reach it: the credential, the client over the package transport,
 * and the actions in Chatwoot's terms. Chatwoot acts on the conversation: it is assigned,
 * labelled, given private notes (it has no tasks) and a status; the account scopes state.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { createTransport } from '../../shared/transport';
import type { Person } from '../person';
import {
	ParameterProblem,
	type PlatformAdapter,
	type PlatformDescriptor,
} from '../platformAdapter';
import { ChatwootClient, type ChatwootAgent } from './client';

export const CHATWOOT_PLATFORM = {
	id: 'chatwoot',
	name: 'Chatwoot',
	credentialType: 'chatwootApi',
	subject: { field: 'conversationId', label: 'Conversation ID' },
	personNoun: 'Agent',
	noPeopleHint:
		'The account or team has no agents: add agents in Chatwoot, or choose other candidates.',
} as const satisfies PlatformDescriptor;

/** Conversation attributes the follow-up note comes with, so the team can filter and sort. */
export const CHATWOOT_TASK_ATTRIBUTES = {
	title: 'handover_task_title',
	due: 'handover_task_due',
} as const;

export function personFromAgent(agent: ChatwootAgent): Person {
	return {
		id: String(agent.id),
		// Chatwoot shows agents by their display name when they set one.
		name: agent.available_name || agent.name || `Agent ${agent.id}`,
		...(agent.email ? { email: agent.email } : {}),
		...(agent.availability_status ? { availability: agent.availability_status } : {}),
	};
}

const isNumber = (id: string) => /^\d+$/.test(id);

export function chatwootAdapter(
	client: ChatwootClient,
	baseUrl: string,
	accountId: string,
): PlatformAdapter {
	return {
		descriptor: CHATWOOT_PLATFORM,
		scope: accountId,
		checkSubjectId: (id) => {
			// Checked before any call: the API's 404 would read like a missing conversation, or in
			// Assign like one assignee's failure.
			if (!isNumber(id)) {
				throw new ParameterProblem(
					'Conversation ID is not a Chatwoot conversation number',
					`Got "${id}": use the number in the conversation's address, which the Handover Detector event carries as conversationId`,
				);
			}
		},
		checkPersonId: (id, label) => {
			// A mention of a non-number would render but notify no one.
			if (!isNumber(id)) {
				throw new ParameterProblem(
					`${label} is not a Chatwoot agent number`,
					`Got "${id}": use the agent's number (Settings → Agents)`,
				);
			}
		},
		conversationLink: (conversationId) =>
			`${baseUrl}/app/accounts/${accountId}/conversations/${conversationId}`,
		listPeople: async () => (await client.listAgents()).map(personFromAgent),
		// Chatwoot's assignment answer names the agent; nothing else needs a look-up.
		personName: async () => undefined,
		teams: {
			list: async () =>
				(await client.listTeams()).map((team) => ({
					id: String(team.id),
					name: team.name,
					description: team.description || `Team ${team.id}`,
				})),
			members: async (teamId) => (await client.listTeamMembers(teamId)).map(personFromAgent),
		},
		assign: async (conversationId, userId) => {
			const agent = await client.assign(conversationId, { assigneeId: userId });
			return { name: personFromAgent(agent).name };
		},
		addTags: async (conversationId, tags) => (await client.addLabels(conversationId, tags)).labels,
		createFollowUp: async (conversationId, followUp) => {
			const dueIso = followUp.due.toISOString();
			const heading = `Task: ${followUp.title} — due ${followUp.dueText}`;
			const mention = followUp.assignee
				? `Assigned to ${client.mention(followUp.assignee)}`
				: undefined;
			// Attributes first: setting them twice is harmless, while the note is a POST that a retry
			// after a failure further on would write twice.
			await client.mergeCustomAttributes(conversationId, {
				[CHATWOOT_TASK_ATTRIBUTES.title]: followUp.title,
				[CHATWOOT_TASK_ATTRIBUTES.due]: dueIso,
			});
			const note = await client.sendMessage(conversationId, {
				content: [heading, followUp.body, mention].filter(Boolean).join('\n\n'),
				private: true,
			});
			return {
				kind: 'note',
				id: note.id,
				title: followUp.title,
				dueDate: dueIso,
				assigneeId: followUp.assignee?.id ?? null,
			};
		},
		prepareReply: (conversationId, request) => ({
			send: async () => {
				// A public reply goes out through the conversation's own inbox: the contact's channel.
				const sent = await client.sendMessage(conversationId, { content: request.message });
				const sameConversation = String(request.eventConversationId) === conversationId;
				return {
					conversationId,
					messageId: sent.id,
					...(sameConversation && typeof request.eventChannel === 'string'
						? { channel: request.eventChannel }
						: {}),
				};
			},
		}),
		pause: async (conversationId, request) => {
			// Bots answer pending conversations; open puts it in the agents' queue, snoozed hides it
			// until the pause ends, when Chatwoot reopens it for the agents.
			const change = await client.toggleStatus(
				conversationId,
				request.status,
				request.status === 'snoozed' ? request.until : undefined,
			);
			return { status: change.current_status ?? request.status };
		},
		resume: async (conversationId) => {
			// Pending is the bot's queue: its agent bot answers pending conversations again.
			const change = await client.toggleStatus(conversationId, 'pending');
			return { status: change.current_status ?? 'pending' };
		},
		notifyPeople: async (conversationId, people, text) => {
			// A private note that @mentions each person: Chatwoot notifies mentioned agents.
			const mentions = people.map((person) => client.mention(person));
			const note = await client.sendMessage(conversationId, {
				content: `${mentions.join(' ')}\n${text}`,
				private: true,
			});
			return { messageId: note.id };
		},
	};
}

/** The Chatwoot adapter over the package transport and the node's credential. */
export async function connectChatwoot(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	itemIndex?: number,
): Promise<PlatformAdapter> {
	const credentials = await context.getCredentials(CHATWOOT_PLATFORM.credentialType, itemIndex);
	const baseUrl = String(credentials.baseUrl).replace(/\/+$/, '');
	const accountId = String(credentials.accountId);
	const send = createTransport(context, {
		platformName: CHATWOOT_PLATFORM.name,
		credentialType: CHATWOOT_PLATFORM.credentialType,
		baseUrl,
		credentialHint: 'the Access Token and Account ID in the Chatwoot credential',
		itemIndex,
	});
	return chatwootAdapter(new ChatwootClient(send, accountId), baseUrl, accountId);
}
