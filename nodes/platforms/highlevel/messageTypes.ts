import type { HighLevelMessageType } from './client';

/** Option values of Message Type (camelCase ids) and the HighLevel `type` each one sends. */
export const MESSAGE_TYPE_OPTIONS: Array<{
	name: string;
	value: string;
	type: HighLevelMessageType;
}> = [
	{ name: 'Custom Channel', value: 'custom', type: 'Custom' },
	{ name: 'Email', value: 'email', type: 'Email' },
	{ name: 'Facebook Messenger', value: 'facebook', type: 'FB' },
	{ name: 'Instagram', value: 'instagram', type: 'IG' },
	{ name: 'Live Chat', value: 'liveChat', type: 'Live_Chat' },
	{ name: 'RCS', value: 'rcs', type: 'RCS' },
	{ name: 'SMS', value: 'sms', type: 'SMS' },
	{ name: 'TikTok', value: 'tikTok', type: 'TIKTOK' },
	{ name: 'WhatsApp', value: 'whatsApp', type: 'WhatsApp' },
];

export function typeOfOption(value: string): HighLevelMessageType | undefined {
	return MESSAGE_TYPE_OPTIONS.find((option) => option.value === value)?.type;
}

/**
 * The event's channel, squeezed: HighLevel writes the same channel as "Live_Chat", "Live Chat" or
 * "TYPE_LIVE_CHAT" depending on the webhook, so case, separators and the TYPE_ prefix are dropped.
 */
const squeeze = (channel: string) =>
	channel
		.toLowerCase()
		.replace(/^type_/, '')
		.replace(/[^a-z0-9]/g, '');

const CHANNEL_TYPES: Record<string, HighLevelMessageType> = {
	sms: 'SMS',
	text: 'SMS',
	rcs: 'RCS',
	email: 'Email',
	whatsapp: 'WhatsApp',
	ig: 'IG',
	instagram: 'IG',
	fb: 'FB',
	facebook: 'FB',
	messenger: 'FB',
	custom: 'Custom',
	livechat: 'Live_Chat',
	webchat: 'Live_Chat',
	tiktok: 'TIKTOK',
};

/** Channels HighLevel receives on but its send-message API cannot answer on. */
const UNSENDABLE: Record<string, string> = {
	gmb: 'Google Business Profile (GMB)',
	googlemybusiness: 'Google Business Profile (GMB)',
	call: 'a phone call',
	voicemail: 'a voicemail',
};

export type ChannelMapping = { ok: true; type: HighLevelMessageType } | { ok: false; why: string };

/** The HighLevel message type that answers on the channel the contact wrote on. */
export function typeForChannel(channel: unknown): ChannelMapping {
	const raw = typeof channel === 'string' ? channel.trim() : '';
	if (!raw) return { ok: false, why: 'the event has no channel' };
	const key = squeeze(raw);
	const type = CHANNEL_TYPES[key];
	if (type) return { ok: true, type };
	const unsendable = UNSENDABLE[key];
	if (unsendable) {
		return { ok: false, why: `HighLevel's API cannot send on ${unsendable} (channel "${raw}")` };
	}
	return { ok: false, why: `the channel "${raw}" is not one HighLevel can send on` };
}
