/**
 * Request bodies the HighLevel fake accepts, taken from the official OpenAPI files in
 * shared/platforms/highlevel/ (contacts.json: UpdateContactDto, TagsDTO, CreateTaskParams, NotesDTO,
 * FollowersDTO; conversations.json: SendMessageBodyDto). Every schema is `.strict()`: HighLevel's
 * API validates with NestJS's whitelist, which answers 422 "property x should not exist" to a field
 * the DTO does not declare (e.g. `locationId` in an update), so a client sending extras must fail
 * here too.
 */
import { z } from 'zod';

const text = z.string();
const nullableText = z.string().nullable().optional();
const someId = (name: string) =>
	z.string({ required_error: `${name} should not be empty` }).min(1, `${name} should not be empty`);

export const tagsBody = z
	.object({
		tags: z
			.array(z.string().min(1, 'each value in tags should not be empty'), {
				required_error: 'tags should not be empty',
				invalid_type_error: 'tags must be an array',
			})
			// The DTO declares no minimum; an empty list would be a call that does nothing, which the
			// real API refuses the same way (tags should not be empty).
			.min(1, 'tags should not be empty'),
	})
	.strict();

export const updateContactBody = z
	.object({
		firstName: nullableText,
		lastName: nullableText,
		name: nullableText,
		email: nullableText,
		phone: nullableText,
		address1: nullableText,
		city: nullableText,
		state: nullableText,
		postalCode: text.optional(),
		website: nullableText,
		timezone: nullableText,
		dnd: z.boolean().optional(),
		dndSettings: z.record(z.unknown()).optional(),
		inboundDndSettings: z.record(z.unknown()).optional(),
		tags: z.array(text).optional(),
		customFields: z.array(z.unknown()).optional(),
		source: nullableText,
		dateOfBirth: z.unknown().optional(),
		country: text.optional(),
		assignedTo: z.string().min(1, 'assignedTo should not be empty').nullable().optional(),
	})
	.strict();

export const createTaskBody = z
	.object({
		title: someId('title'),
		body: text.optional(),
		dueDate: z
			.string({ required_error: 'dueDate should not be empty' })
			.datetime({ offset: true, message: 'dueDate must be a valid ISO 8601 date string' }),
		completed: z.boolean({
			required_error: 'completed should not be empty',
			invalid_type_error: 'completed must be a boolean value',
		}),
		assignedTo: text.optional(),
	})
	.strict();

export const createNoteBody = z
	.object({
		userId: text.optional(),
		body: someId('body'),
		title: text.optional(),
		color: text.optional(),
		pinned: z.boolean().optional(),
	})
	.strict();

export const followersBody = z
	.object({
		followers: z.array(someId('each value in followers'), {
			required_error: 'followers should not be empty',
			invalid_type_error: 'followers must be an array',
		}),
	})
	.strict();

export const MESSAGE_TYPES = [
	'SMS',
	'RCS',
	'Email',
	'WhatsApp',
	'IG',
	'FB',
	'Custom',
	'Live_Chat',
	'TIKTOK',
] as const;

/**
 * SendMessageBodyDto. The OpenAPI file lists `subType` and `status` as required as well, but its
 * own descriptions contradict that (`subType` is typed as an object with the example "Email";
 * `status` is the delivery status the API reports), and HighLevel's documented send calls carry
 * only `type`, `contactId` and the content. The fake requires what a send cannot do without:
 * `type` from the enum, `contactId`, and content — `subject` + `html` for Email, `message` or
 * `attachments` otherwise.
 */
export const sendMessageBody = z
	.object({
		type: z.enum(MESSAGE_TYPES, {
			errorMap: () => ({
				message: `type must be one of the following values: ${MESSAGE_TYPES.join(', ')}`,
			}),
		}),
		subType: z.unknown().optional(),
		contactId: someId('contactId'),
		appointmentId: text.optional(),
		attachments: z.array(text).optional(),
		emailFrom: text.optional(),
		emailCc: z.array(text).optional(),
		emailBcc: z.array(text).optional(),
		html: text.optional(),
		message: text.optional(),
		subject: text.optional(),
		replyMessageId: text.optional(),
		templateId: text.optional(),
		threadId: text.optional(),
		scheduledTimestamp: z.number().optional(),
		conversationProviderId: text.optional(),
		emailTo: text.optional(),
		customSubtypeId: text.optional(),
		emailReplyMode: z.enum(['reply', 'reply_all']).optional(),
		fromNumber: text.optional(),
		toNumber: text.optional(),
		forward: z.object({ isForwarded: z.boolean() }).passthrough().optional(),
		status: z.enum(['delivered', 'failed', 'pending', 'read']).optional(),
		usesNativeSchedulingAi: z.boolean().optional(),
		optimizationPeriod: z.enum(['24h', '48h', '72h']).optional(),
	})
	.strict()
	.superRefine((body, issues) => {
		if (body.type === 'Email') {
			if (!body.subject?.trim()) {
				issues.addIssue({
					code: 'custom',
					path: ['subject'],
					message: 'subject is required for Email',
				});
			}
			if (!body.html?.trim()) {
				issues.addIssue({ code: 'custom', path: ['html'], message: 'html is required for Email' });
			}
		} else if (!body.message?.trim() && !body.attachments?.length) {
			issues.addIssue({
				code: 'custom',
				path: ['message'],
				message: `message or attachments are required for ${body.type}`,
			});
		}
	});

/** zod issues as the list of strings HighLevel's 422 body carries in `message`. */
export function validationMessages(error: z.ZodError): string[] {
	return error.issues.flatMap((issue) => {
		if (issue.code === 'unrecognized_keys') {
			return issue.keys.map((key) => `property ${key} should not exist`);
		}
		const path = issue.path.join('.');
		if (issue.code === 'invalid_type' && issue.received === 'undefined') {
			return [issue.message === 'Required' ? `${path} should not be empty` : issue.message];
		}
		return [issue.message.startsWith(path) || !path ? issue.message : `${path}: ${issue.message}`];
	});
}
