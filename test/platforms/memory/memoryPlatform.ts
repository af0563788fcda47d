/**
 * A third platform that lives in memory, for the unit tests of the actions: it shows that an
 * action runs on any adapter, and what a new platform needs (this file, and nothing else of the
 * actions). Tickets are its subject; people are members, one of whom refuses assignments.
 */
import type { Person } from '../../../nodes/platforms/person';
import {
	ParameterProblem,
	type FollowUp,
	type PauseRequest,
	type PlatformAdapter,
	type PlatformDescriptor,
} from '../../../nodes/platforms/platformAdapter';
import { PlatformRefusal } from '../../../nodes/platforms/platformRefusal';

export const MEMORY_PLATFORM: PlatformDescriptor = {
	id: 'memory',
	name: 'Memory Desk',
	credentialType: 'memoryDeskApi',
	subject: { field: 'conversationId', label: 'Conversation ID' },
	personNoun: 'Member',
	noPeopleHint: 'Memory Desk has no members: add some.',
};

export interface Ticket {
	assignee?: string;
	tags: string[];
	followUps: FollowUp[];
	replies: string[];
	pausedUntil?: Date;
	notes: Array<{ people: string[]; text: string }>;
}

/** The whole state of the desk, for the tests to read. */
export class MemoryDesk {
	readonly tickets = new Map<string, Ticket>();
	/** Every call an action made, in order: "assign t-1 ana". */
	readonly calls: string[] = [];

	constructor(
		readonly people: Person[],
		/** Members whose assignment the desk refuses. */
		readonly refusing = new Set<string>(),
	) {}

	ticket(id: string): Ticket {
		let ticket = this.tickets.get(id);
		if (!ticket) {
			ticket = { tags: [], followUps: [], replies: [], notes: [] };
			this.tickets.set(id, ticket);
		}
		return ticket;
	}

	adapter(scope = 'desk-1'): PlatformAdapter {
		const known = (id: string) => {
			if (!this.tickets.has(id)) throw new PlatformRefusal(`no ticket ${id}`);
			return this.ticket(id);
		};
		return {
			descriptor: MEMORY_PLATFORM,
			scope,
			checkSubjectId: (id) => {
				if (!id.startsWith('t-')) {
					throw new ParameterProblem(
						'Conversation ID is not a ticket',
						`Got "${id}": tickets are t-<number>`,
					);
				}
			},
			checkPersonId: () => undefined,
			conversationLink: (id) => `memory://desk/${id}`,
			listPeople: async () => this.people,
			personName: async (id) => this.people.find((person) => person.id === id)?.name,
			assign: async (id, userId) => {
				this.calls.push(`assign ${id} ${userId}`);
				if (this.refusing.has(userId)) throw new PlatformRefusal(`${userId} may not take tickets`);
				known(id).assignee = userId;
				return {};
			},
			addTags: async (id, tags) => {
				this.calls.push(`tag ${id} ${tags.join(',')}`);
				const ticket = known(id);
				ticket.tags = [...new Set([...ticket.tags, ...tags])];
				return ticket.tags;
			},
			createFollowUp: async (id, followUp) => {
				this.calls.push(`follow-up ${id}`);
				const ticket = known(id);
				ticket.followUps.push(followUp);
				return {
					kind: 'task',
					id: `${id}/f${ticket.followUps.length}`,
					title: followUp.title,
					dueDate: followUp.due.toISOString(),
					assigneeId: followUp.assignee?.id ?? null,
				};
			},
			prepareReply: (id, request) => ({
				send: async () => {
					this.calls.push(`reply ${id}`);
					const ticket = known(id);
					ticket.replies.push(request.message);
					return { conversationId: id, messageId: ticket.replies.length };
				},
			}),
			pause: async (id, request: PauseRequest) => {
				this.calls.push(`pause ${id}`);
				known(id).pausedUntil = request.until;
				return { status: 'paused' };
			},
			resume: async (id) => {
				this.calls.push(`resume ${id}`);
				known(id).pausedUntil = undefined;
				return { status: 'bot' };
			},
			notifyPeople: async (id, people, text) => {
				this.calls.push(`notify ${id} ${people.map((person) => person.id).join(',')}`);
				const ticket = known(id);
				ticket.notes.push({ people: people.map((person) => person.name), text });
				return { messageId: ticket.notes.length };
			},
		};
	}
}
