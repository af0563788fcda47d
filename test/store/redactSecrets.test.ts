import { inspect } from 'node:util';

import { Redis } from 'ioredis';

import { REDACTED, urlSecrets, withoutSecrets } from '../../nodes/store/redactSecrets';
import { RedisStore } from '../../nodes/store/RedisStore';
import { startRedisServer, type RedisServer } from './redisServer';

const PASSWORD = 'hunter2-very-secret';

/** Everything a log line, an execution's error or the editor could show of an error. */
const shown = (error: unknown) =>
	[inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error)].join('\n');

describe('withoutSecrets', () => {
	it('replaces every argument of a credential command, whatever its value', () => {
		const error = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
			command: { name: 'auth', args: ['default', PASSWORD] },
		});
		withoutSecrets(error, [PASSWORD]);
		expect(error.command.args).toEqual([REDACTED, REDACTED]);

		const hello = Object.assign(new Error('WRONGPASS'), {
			command: { name: 'HELLO', args: ['3', 'AUTH', 'default', 'some-other-value'] },
		});
		// Known or not: the arguments of AUTH and HELLO are credentials.
		withoutSecrets(hello, []);
		expect(hello.command.args.every((arg) => arg === REDACTED)).toBe(true);
	});

	it('takes the secret out of message, stack, other commands and nested errors', () => {
		const cause = new Error(`connect to redis://user:${PASSWORD}@redis:6379 failed`);
		const error = Object.assign(new Error(`failed: ${PASSWORD}`, { cause }), {
			command: { name: 'set', args: ['key', `value with ${PASSWORD}`, 'PX', 10] },
			previousErrors: [new Error(`again ${PASSWORD}`)],
		});
		const same = withoutSecrets(error, [undefined, '', PASSWORD]);
		expect(same).toBe(error);
		expect(shown(error)).not.toContain(PASSWORD);
		expect(error.message).toBe(`failed: ${REDACTED}`);
		expect(error.command.args).toEqual(['key', `value with ${REDACTED}`, 'PX', 10]);
		// What is not secret stays readable.
		expect((error.cause as Error).message).toContain('redis:6379 failed');
	});

	it('leaves what is not an object as it is, and survives cycles', () => {
		expect(withoutSecrets('text', [PASSWORD])).toBe('text');
		expect(withoutSecrets(undefined, [PASSWORD])).toBeUndefined();
		const error = new Error(PASSWORD) as Error & { cause?: unknown };
		error.cause = error;
		expect(withoutSecrets(error, [PASSWORD]).message).toBe(REDACTED);
	});

	it('reads the password of a connection URL, encoded and decoded', () => {
		expect(urlSecrets('redis://user:p%40ss@host:6379/0')).toEqual(['p%40ss', 'p@ss']);
		expect(urlSecrets('redis://host:6379')).toEqual([]);
		expect(urlSecrets('not a url')).toEqual([]);
		expect(urlSecrets(undefined)).toEqual([]);
	});
});

describe('RedisStore: errors without the password', () => {
	let server: RedisServer;

	beforeAll(async () => {
		server = await startRedisServer();
		const admin = new Redis(server.url);
		await admin.config('SET', 'requirepass', PASSWORD);
		admin.disconnect();
	}, 30_000);

	afterAll(async () => {
		await server?.stop();
	});

	it.each([
		['given as a field', { host: '127.0.0.1', password: `wrong-${PASSWORD}` }],
		['inside the URL', { url: `redis://:wrong-${PASSWORD}@127.0.0.1` }],
	])('hands on the refused login without the password %s', async (_, given) => {
		const port = server.port;
		const store = new RedisStore({
			...given,
			port,
			...('url' in given && { url: `${given.url}:${port}` }),
			redisOptions: { maxRetriesPerRequest: 0 },
			connectTimeoutMs: 1000,
		});
		try {
			const failures = await Promise.all(
				[
					store.claimOnce('k', 1000),
					store.getConversation('c'),
					store.updateConversation('c', () => ({ memory: {} as never, result: 1 }), 1000),
					store.getLoads(['a']),
				].map(
					async (operation) =>
						await operation.then(
							() => undefined,
							(error: unknown) => error,
						),
				),
			);
			for (const failure of failures) {
				expect(failure).toBeInstanceOf(Error);
				expect(shown(failure)).not.toContain(PASSWORD);
			}
			// Still a useful message.
			expect(shown(failures[0])).toMatch(/WRONGPASS|NOAUTH|Redis/);
		} finally {
			await store.close();
		}
	});
});
