/**
 * The bounded load of the n8n benchmarks: autocannon from this process on 127.0.0.1, 10 connections
 * for 10 s, a JSON body per request.
 */
import autocannon from 'autocannon';

export const CONNECTIONS = 10;
export const DURATION_S = 10;

export interface Load {
	name: string;
	url: string;
	/** Body of the n-th request. */
	body: (n: number) => object;
}

export interface Outcome {
	name: string;
	requestsPerSecond: number;
	p50: number;
	p99: number;
	non2xx: number;
	errors: number;
	total: number;
}

export async function measure(load: Load): Promise<Outcome> {
	let n = 0;
	const result = await autocannon({
		url: load.url,
		connections: CONNECTIONS,
		duration: DURATION_S,
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		requests: [
			{
				setupRequest: (request) => ({ ...request, body: JSON.stringify(load.body(n++)) }),
			},
		],
	});
	return {
		name: load.name,
		requestsPerSecond: result.requests.average,
		p50: result.latency.p50,
		p99: result.latency.p99,
		non2xx: result.non2xx,
		errors: result.errors + result.timeouts,
		total: result.requests.total,
	};
}

export function print(outcome: Outcome): void {
	console.log(
		`${outcome.name.padEnd(46)} ${outcome.requestsPerSecond.toFixed(0).padStart(6)} req/s   p50 ${String(outcome.p50).padStart(4)} ms   p99 ${String(outcome.p99).padStart(5)} ms   (${outcome.total} requests, ${outcome.non2xx} non-2xx, ${outcome.errors} errors)`,
	);
}

/**
 * A turn that does not hand over, one per conversation: the same question asked again in one
 * conversation would count as a repeated question (an unsuccessful attempt) and hand over after two.
 */
export const question = (n: number) => ({
	conversationId: `quiet-${n}`,
	userMessage: 'What are your office hours on Saturday?',
	botReply: 'We are open from 9 to 5.',
});
