/**
 * Errors of the Redis client can carry the password: ioredis attaches the failed command and its
 * arguments to a reply error (a wrong password fails as `command: { name: 'auth', args: [password] }`,
 * and every command queued behind it fails with that same error), and a connection URL holds it
 * too. Such errors end up in action errors, execution data and the n8n log, so a store hands on
 * only errors with its secrets taken out. No n8n and no ioredis import.
 */

export const REDACTED = '[redacted]';

/** Commands whose arguments are credentials, whatever their values. */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello']);
/** Nested errors worth following (Node's `cause`, ioredis's aggregated errors). */
const NESTED = ['cause', 'previousErrors', 'lastNodeError'];
const MAX_DEPTH = 4;

/** The password in a `redis://user:password@host` URL, as written and decoded. */
export function urlSecrets(url: string | undefined): string[] {
	if (!url) return [];
	try {
		const { password } = new URL(url);
		return password ? [password, decodeURIComponent(password)] : [];
	} catch {
		return [];
	}
}

function scrub(text: string, secrets: string[]): string {
	let clean = text;
	for (const secret of secrets) clean = clean.split(secret).join(REDACTED);
	return clean;
}

function redactCommand(command: unknown, secrets: string[]): void {
	if (!command || typeof command !== 'object') return;
	const record = command as { name?: unknown; args?: unknown };
	if (!Array.isArray(record.args)) return;
	const allSecret = CREDENTIAL_COMMANDS.has(String(record.name).toLowerCase());
	record.args = record.args.map((arg: unknown) =>
		allSecret ? REDACTED : typeof arg === 'string' ? scrub(arg, secrets) : arg,
	);
}

function redact(value: unknown, secrets: string[], depth: number, seen: Set<object>): void {
	if (!value || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return;
	seen.add(value);
	if (Array.isArray(value)) {
		for (const item of value) redact(item, secrets, depth + 1, seen);
		return;
	}
	const error = value as Record<string, unknown>;
	for (const field of ['message', 'stack']) {
		const text = error[field];
		if (typeof text === 'string') {
			// Own, writable or not: Error's own message and stack are plain data properties.
			Object.defineProperty(error, field, {
				value: scrub(text, secrets),
				writable: true,
				configurable: true,
				enumerable: Object.prototype.propertyIsEnumerable.call(error, field),
			});
		}
	}
	redactCommand(error.command, secrets);
	for (const key of NESTED) redact(error[key], secrets, depth + 1, seen);
}

/**
 * The same error, with the arguments of credential commands and every occurrence of `secrets`
 * replaced by "[redacted]" (in place: ioredis hands the same error object to every waiting
 * command and to its 'error' event). Anything that is not an object is returned as it is.
 */
export function withoutSecrets<T>(error: T, secrets: ReadonlyArray<string | undefined>): T {
	const known = secrets.filter((secret): secret is string => !!secret);
	// Longest first: a secret that contains another is replaced whole.
	known.sort((a, b) => b.length - a.length);
	redact(error, known, 0, new Set());
	return error;
}
