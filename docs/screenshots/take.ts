/**
 * `npm run screenshots`: the README's pictures, taken from a real n8n with this package.
 *
 * Starts n8n 2.40.7 with the package (the e2e harness, on 127.0.0.1), creates placeholder
 * credentials for every credential the templates' nodes show (so no node carries a warning),
 * imports and publishes the three templates from `examples/`, logs in over REST and hands the
 * `n8n-auth` cookie to a headless Chromium (Debian's `chromium`), which it drives over the DevTools
 * protocol (Node's global WebSocket, no npm dependency) to photograph each template's canvas and
 * the parameter panels of the Handover Detector Trigger and the Handover Check. PNGs are written
 * to `docs/screenshots/`.
 *
 * Chromium reaches nothing but 127.0.0.1: names do not resolve and every other address goes to a
 * closed proxy port. Every wait is bounded; n8n and Chromium are stopped on success, failure,
 * Ctrl-C and SIGTERM.
 *
 * Options: `--keep-warnings` writes the pictures even when a node on a canvas shows a warning or
 * a picture is over 250 KB (by default that fails the run and writes none); `CHROMIUM=/path/to/chromium` picks another browser binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { createInterface } from 'node:readline';

import {
	OWNER,
	startN8n,
	waitFor,
	within,
	type N8nInstance,
	type WorkflowJson,
} from '../../test/e2e/harness/n8n';
import { REPO_ROOT } from '../../test/e2e/harness/repoRoot';

const PACKAGE = 'n8n-nodes-human-handover';
const OUT_DIR = join(REPO_ROOT, 'docs', 'screenshots');
const WIDTH = 1440;
const HEIGHT = 900;
/** The README asks for pictures under this size; larger ones are reported. */
const MAX_PNG_BYTES = 250 * 1024;

const CHROMIUM_START_TIMEOUT_MS = 30_000;
const CDP_COMMAND_TIMEOUT_MS = 30_000;
const PAGE_READY_TIMEOUT_MS = 60_000;
/** After the nodes are drawn: the canvas fits the view with a short animation. */
const SETTLE_MS = 1_500;
/** The whole run once n8n is up (n8n's own install and start have their own limits). */
const RUN_TIMEOUT_MS = 5 * 60_000;

interface Shot {
	file: string;
	what: string;
	/** Editor path under the n8n base URL. */
	path: () => string;
	/** A JS expression that is true once the page shows what the picture needs. */
	ready: () => string;
	/** Node names on the canvas to check for warning badges. */
	nodeNames?: () => Map<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Clean-up on every way out

const cleanups: Array<{ name: string; run: () => Promise<void>; sync: () => void }> = [];
let cleaningUp: Promise<void> | undefined;

async function cleanUp(): Promise<void> {
	cleaningUp ??= (async () => {
		for (const step of cleanups.splice(0).reverse()) {
			try {
				const done = await within(
					step.run().then(() => true),
					45_000,
				);
				if (!done) step.sync();
			} catch (error) {
				console.error(`clean-up of ${step.name} failed: ${(error as Error).message}`);
				step.sync();
			}
		}
	})();
	await cleaningUp;
}

process.on('exit', () => {
	// Last resort (e.g. process.exit from elsewhere): kill what is still running, synchronously.
	for (const step of cleanups) step.sync();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		console.error(`\n${signal}: stopping n8n and Chromium…`);
		void cleanUp().finally(() => process.exit(130));
	});
}

// ---------------------------------------------------------------------------------------------
// Chromium and a minimal DevTools-protocol client

function findChromium(): string {
	const wanted = process.env.CHROMIUM;
	if (wanted) {
		if (existsSync(wanted)) return wanted;
		throw new Error(`CHROMIUM=${wanted}: no such file`);
	}
	for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
		for (const name of ['chromium', 'chromium-browser']) {
			if (existsSync(join(dir, name))) return join(dir, name);
		}
	}
	throw new Error(
		"No Chromium found: install Debian's package (`apt-get install -y chromium`) or set CHROMIUM=/path/to/chromium",
	);
}

class Chromium {
	private child: ChildProcess | undefined;
	private exited: Promise<void> = Promise.resolve();
	readonly profileDir = mkdtempSync(join(tmpdir(), 'handover-screenshots-chromium-'));
	readonly logFile = join(this.profileDir, 'chromium.log');

	constructor(private readonly binary: string) {}

	/** Starts Chromium and returns the browser's DevTools WebSocket URL. */
	async start(): Promise<string> {
		const args = [
			'--headless=new',
			'--remote-debugging-port=0',
			'--remote-debugging-address=127.0.0.1',
			`--user-data-dir=${this.profileDir}`,
			`--window-size=${WIDTH},${HEIGHT}`,
			'--hide-scrollbars',
			'--force-color-profile=srgb',
			'--lang=en-US',
			// 127.0.0.1 only: no name resolves, anything else goes to a closed proxy port.
			'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
			'--proxy-server=http://127.0.0.1:9',
			'--proxy-bypass-list=127.0.0.1',
			'--no-first-run',
			'--no-default-browser-check',
			'--no-pings',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-default-apps',
			'--disable-domain-reliability',
			'--disable-extensions',
			'--disable-sync',
			'--disable-client-side-phishing-detection',
			'--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
			'--disable-dev-shm-usage',
			'--mute-audio',
			...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
			'about:blank',
		];
		const fd = openSync(this.logFile, 'a');
		let child: ChildProcess;
		try {
			child = spawn(this.binary, args, { stdio: ['ignore', fd, 'pipe'], detached: true });
		} finally {
			closeSync(fd);
		}
		this.child = child;
		this.exited = new Promise((done) => {
			child.once('exit', () => done());
			child.once('error', () => done());
		});
		const stderrLines: string[] = [];
		const url = new Promise<string | undefined>((done) => {
			const lines = createInterface({ input: child.stderr! });
			lines.on('line', (line) => {
				stderrLines.push(line);
				const match = /DevTools listening on (ws:\/\/\S+)/.exec(line);
				if (match) done(match[1]);
			});
			lines.on('close', () => done(undefined));
		});
		const found = await within(url, CHROMIUM_START_TIMEOUT_MS);
		if (!found) {
			throw new Error(
				`Chromium did not open its DevTools port within ${CHROMIUM_START_TIMEOUT_MS} ms:\n${stderrLines.slice(-20).join('\n')}`,
			);
		}
		// Keep draining stderr so that Chromium never blocks on a full pipe.
		child.stderr!.resume();
		return found;
	}

	/** Kills the whole process group (renderers, GPU process…) and removes the profile. */
	killNow(): void {
		const child = this.child;
		this.child = undefined;
		if (child?.pid !== undefined) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		rmSync(this.profileDir, { recursive: true, force: true });
	}

	async stop(cdp: Cdp | undefined): Promise<void> {
		const child = this.child;
		if (child && cdp) {
			await within(
				cdp.send('Browser.close').catch(() => undefined),
				5_000,
			);
			await within(this.exited, 5_000);
		}
		cdp?.close();
		this.killNow();
	}
}

interface CdpMessage {
	id?: number;
	method?: string;
	sessionId?: string;
	result?: unknown;
	error?: { message: string; data?: string };
}

class Cdp {
	private nextId = 1;
	private readonly pending = new Map<
		number,
		{ resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
	>();

	private constructor(private readonly socket: WebSocket) {
		socket.addEventListener('message', (event) => {
			const message = JSON.parse(String(event.data)) as CdpMessage;
			if (message.id === undefined) return; // events: not needed
			const waiting = this.pending.get(message.id);
			if (!waiting) return;
			this.pending.delete(message.id);
			clearTimeout(waiting.timer);
			if (message.error) {
				waiting.reject(
					new Error(
						`${message.error.message}${message.error.data ? `: ${message.error.data}` : ''}`,
					),
				);
			} else waiting.resolve(message.result);
		});
		socket.addEventListener('close', () => {
			for (const [id, waiting] of this.pending) {
				clearTimeout(waiting.timer);
				waiting.reject(new Error('DevTools connection closed'));
				this.pending.delete(id);
			}
		});
	}

	static async connect(url: string): Promise<Cdp> {
		const socket = new WebSocket(url);
		const opened = new Promise<boolean>((done) => {
			socket.addEventListener('open', () => done(true), { once: true });
			socket.addEventListener('error', () => done(false), { once: true });
		});
		if (!(await within(opened, CHROMIUM_START_TIMEOUT_MS))) {
			socket.close();
			throw new Error(`Could not connect to Chromium's DevTools at ${url}`);
		}
		return new Cdp(socket);
	}

	async send<T = Record<string, unknown>>(
		method: string,
		params: Record<string, unknown> = {},
		sessionId?: string,
		timeoutMs = CDP_COMMAND_TIMEOUT_MS,
	): Promise<T> {
		const id = this.nextId++;
		return await new Promise<T>((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(new Error(`DevTools ${method} got no answer within ${timeoutMs} ms`));
			}, timeoutMs);
			this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
			this.socket.send(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }));
		});
	}

	close(): void {
		try {
			this.socket.close();
		} catch {
			// already closed
		}
	}
}

/** One browser tab, attached with a flat session. */
class Page {
	private constructor(
		private readonly cdp: Cdp,
		private readonly sessionId: string,
	) {}

	static async open(cdp: Cdp): Promise<Page> {
		const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', {
			url: 'about:blank',
		});
		const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', {
			targetId,
			flatten: true,
		});
		const page = new Page(cdp, sessionId);
		await page.send('Page.enable');
		await page.send('Network.enable');
		await page.send('Emulation.setDeviceMetricsOverride', {
			width: WIDTH,
			height: HEIGHT,
			deviceScaleFactor: 1,
			mobile: false,
		});
		await page.send('Emulation.setEmulatedMedia', {
			features: [
				{ name: 'prefers-color-scheme', value: 'light' },
				{ name: 'prefers-reduced-motion', value: 'reduce' },
			],
		});
		return page;
	}

	async send<T = Record<string, unknown>>(
		method: string,
		params: Record<string, unknown> = {},
	): Promise<T> {
		return await this.cdp.send<T>(method, params, this.sessionId);
	}

	async evaluate<T>(expression: string): Promise<T> {
		const answer = await this.send<{
			result: { value?: T };
			exceptionDetails?: { text: string; exception?: { description?: string } };
		}>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
		if (answer.exceptionDetails) {
			const { text, exception } = answer.exceptionDetails;
			throw new Error(`page script failed: ${exception?.description ?? text}`);
		}
		return answer.result.value as T;
	}

	async navigate(url: string): Promise<void> {
		const answer = await this.send<{ errorText?: string }>('Page.navigate', { url });
		if (answer.errorText) throw new Error(`navigating to ${url}: ${answer.errorText}`);
	}

	/** Polls `expression` (bounded) until it is true; says what the page shows when it never is. */
	async waitUntil(what: string, expression: string, timeoutMs = PAGE_READY_TIMEOUT_MS) {
		try {
			await waitFor(
				what,
				timeoutMs,
				async () => ((await this.evaluate<boolean>(expression)) ? true : undefined),
				250,
			);
		} catch (error) {
			const where = await this.evaluate<string>(
				'location.href + " — " + document.title + " — " + (document.body?.innerText ?? "").slice(0, 300).replace(/\\s+/g, " ")',
			).catch(() => '(page not readable)');
			throw new Error(`${(error as Error).message}\nThe page shows: ${where}`);
		}
	}

	async screenshot(): Promise<Buffer> {
		const { data } = await this.send<{ data: string }>('Page.captureScreenshot', {
			format: 'png',
			captureBeyondViewport: false,
		});
		return Buffer.from(data, 'base64');
	}
}

// ---------------------------------------------------------------------------------------------
// n8n: login cookie, node and credential types, placeholder credentials, templates

async function loginCookie(n8n: N8nInstance): Promise<string> {
	const res = await fetch(`${n8n.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		signal: AbortSignal.timeout(30_000),
	});
	await res.arrayBuffer();
	if (!res.ok) throw new Error(`n8n login answered ${res.status}`);
	const cookie = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
	if (!cookie) throw new Error('n8n login set no n8n-auth cookie');
	return cookie.split(';')[0].slice('n8n-auth='.length);
}

interface Property {
	name: string;
	type: string;
	default?: unknown;
	required?: boolean;
	options?: Array<{ value?: unknown }>;
	displayOptions?: DisplayOptions;
}
interface DisplayOptions {
	show?: Record<string, unknown[]>;
	hide?: Record<string, unknown[]>;
}
interface NodeDescription {
	name: string;
	version: number | number[];
	properties: Property[];
	credentials?: Array<{ name: string; displayOptions?: DisplayOptions }>;
}
interface CredentialDescription {
	name: string;
	displayName: string;
	properties: Property[];
	extends?: string[];
}
interface TemplateNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters?: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** n8n's displayOptions for plain values and `@version` (enough for the templates' nodes). */
function shown(
	options: DisplayOptions | undefined,
	value: (name: string) => unknown,
	version: number,
): boolean {
	if (!options) return true;
	const matches = (name: string, allowed: unknown[]) => {
		const actual = name === '@version' ? version : value(name);
		return allowed.some((candidate) => JSON.stringify(candidate) === JSON.stringify(actual));
	};
	const show = Object.entries(options.show ?? {}).every(([name, allowed]) =>
		matches(name, allowed),
	);
	const hide = Object.entries(options.hide ?? {}).some(([name, allowed]) => matches(name, allowed));
	return show && !hide;
}

/** The value of a parameter as the editor sees it: set on the node, else the visible default. */
function parameterReader(node: TemplateNode, description: NodeDescription) {
	const read = (name: string, depth = 0): unknown => {
		if (node.parameters && name in node.parameters) return node.parameters[name];
		if (depth > 5) return undefined;
		const property = description.properties.find(
			(candidate) =>
				candidate.name === name &&
				shown(candidate.displayOptions, (other) => read(other, depth + 1), node.typeVersion),
		);
		return property?.default;
	};
	return (name: string) => read(name);
}

/** Placeholder values for a credential's visible fields; nothing is ever called with them. */
function placeholderData(
	type: string,
	credentialTypes: Map<string, CredentialDescription>,
): Record<string, unknown> {
	const properties: Property[] = [];
	const collect = (name: string) => {
		const description = credentialTypes.get(name);
		if (!description) return;
		for (const parent of description.extends ?? []) collect(parent);
		properties.push(...description.properties);
	};
	collect(type);
	const data: Record<string, unknown> = {};
	for (const property of properties) {
		if (['notice', 'hidden'].includes(property.type)) continue;
		if (!shown(property.displayOptions, (name) => data[name], 1)) continue;
		const fallback = property.default;
		if (fallback !== undefined && fallback !== '' && fallback !== null) {
			data[property.name] = fallback;
			continue;
		}
		if (property.type === 'number') data[property.name] = 1;
		else if (property.type === 'boolean') data[property.name] = false;
		else if (property.type === 'options') data[property.name] = property.options?.[0]?.value;
		else if (/url/i.test(property.name)) data[property.name] = 'http://127.0.0.1:9';
		else data[property.name] = `screenshot-${property.name}`;
	}
	return data;
}

async function nodeDescriptions(
	n8n: N8nInstance,
	nodes: TemplateNode[],
): Promise<Map<string, NodeDescription>> {
	const infos = [...new Map(nodes.map((n) => [`${n.type}@${n.typeVersion}`, n])).values()].map(
		(n) => ({ name: n.type, version: n.typeVersion }),
	);
	const descriptions = await n8n.rest<NodeDescription[]>('POST', '/node-types', {
		nodeInfos: infos,
	});
	// n8n answers with the short name (`handoverCheck`, `set`): match each request to its answer.
	const byKey = new Map<string, NodeDescription>();
	for (const info of infos) {
		const description = descriptions.find(
			(candidate) =>
				(candidate.name === info.name || info.name.endsWith(`.${candidate.name}`)) &&
				(Array.isArray(candidate.version)
					? candidate.version.includes(info.version)
					: candidate.version === info.version),
		);
		if (description) byKey.set(`${info.name}@${info.version}`, description);
	}
	return byKey;
}

async function credentialDescriptions(
	n8n: N8nInstance,
	cookie: string,
): Promise<Map<string, CredentialDescription>> {
	const res = await fetch(`${n8n.baseUrl}/types/credentials.json`, {
		headers: { cookie: `n8n-auth=${cookie}` },
		signal: AbortSignal.timeout(30_000),
	});
	if (!res.ok) throw new Error(`GET /types/credentials.json answered ${res.status}`);
	const list = (await res.json()) as CredentialDescription[];
	return new Map(list.map((description) => [description.name, description]));
}

/**
 * The template with a placeholder credential on every node for each credential the node shows
 * with its parameters (e.g. Chatwoot API on a Chatwoot action, OpenAI on the chat model).
 */
async function withPlaceholderCredentials(
	n8n: N8nInstance,
	template: WorkflowJson,
	nodeTypes: Map<string, NodeDescription>,
	credentialTypes: Map<string, CredentialDescription>,
	created: Map<string, { id: string; name: string }>,
): Promise<WorkflowJson> {
	const nodes: TemplateNode[] = [];
	for (const node of template.nodes as TemplateNode[]) {
		const description = nodeTypes.get(`${node.type}@${node.typeVersion}`);
		if (!description) {
			throw new Error(
				`n8n does not know ${node.type} v${node.typeVersion} (it knows ${[...nodeTypes.keys()].join(', ')})`,
			);
		}
		const read = parameterReader(node, description);
		const credentials = { ...node.credentials };
		for (const credential of description.credentials ?? []) {
			if (credentials[credential.name]) continue;
			if (!shown(credential.displayOptions, read, node.typeVersion)) continue;
			let ref = created.get(credential.name);
			if (!ref) {
				const type = credentialTypes.get(credential.name);
				const name = `${type?.displayName ?? credential.name} account`;
				const made = await n8n.rest<{ id: string; name: string }>('POST', '/credentials', {
					name,
					type: credential.name,
					data: placeholderData(credential.name, credentialTypes),
				});
				ref = { id: made.id, name: made.name };
				created.set(credential.name, ref);
			}
			credentials[credential.name] = ref;
		}
		nodes.push({ ...node, ...(Object.keys(credentials).length > 0 && { credentials }) });
	}
	return { ...template, nodes };
}

// ---------------------------------------------------------------------------------------------
// Pictures

/** A page script: true once every node is drawn, icons and fonts loaded, no spinner left. */
function canvasReady(nodeCount: number): string {
	return `(() => {
		if (document.readyState !== 'complete') return false;
		if (!document.querySelector('[data-test-id="canvas-wrapper"]')) return false;
		if (document.querySelectorAll('.vue-flow__node').length < ${nodeCount}) return false;
		if ([...document.images].some((img) => !img.complete)) return false;
		if (document.querySelector('.el-loading-mask, [class*="spinner"]:not([style*="display: none"])')) return false;
		return document.fonts.status === 'loaded';
	})()`;
}

function panelReady(nodeName: string): string {
	return `(() => {
		const ndv = document.querySelector('[data-test-id="ndv"]');
		if (!ndv || !ndv.innerText.includes(${JSON.stringify(nodeName)})) return false;
		if (document.querySelectorAll('[data-test-id="node-parameters"] [data-test-id="parameter-item"]').length < 2) return false;
		if ([...document.images].some((img) => !img.complete)) return false;
		return document.fonts.status === 'loaded';
	})()`;
}

/**
 * A page script: the name of a node (with its label) that lies under one of the canvas' floating
 * buttons (Execute workflow, Open chat, the zoom controls), or '' when none does.
 */
const COVERED_NODE = `(() => {
	const visible = (el) => {
		const style = getComputedStyle(el);
		return style.visibility !== 'hidden' && style.opacity !== '0' && style.display !== 'none';
	};
	const box = (el) => {
		let { left, top, right, bottom } = el.getBoundingClientRect();
		for (const part of el.querySelectorAll('*')) {
			const r = part.getBoundingClientRect();
			if (r.width === 0 || r.height === 0 || !visible(part)) continue;
			left = Math.min(left, r.left); top = Math.min(top, r.top);
			right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
		}
		return { left, top, right, bottom };
	};
	const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
	const buttons = [...document.querySelectorAll(
		'[data-test-id="execute-workflow-button"], [data-test-id="workflow-chat-button"], [data-test-id="canvas-controls"] button',
	)].filter(visible).map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0);
	const covered = [...document.querySelectorAll('.vue-flow__node')].find((node) =>
		buttons.some((button) => overlap(box(node), button)));
	return covered ? (covered.innerText.split('\\n')[0] || covered.getAttribute('data-id') || '?') : '';
})()`;

/** Zooms out (the editor's own button, at most 3 steps) until no node is under a floating button. */
async function uncoverNodes(page: Page): Promise<void> {
	for (let step = 0; step < 3; step++) {
		const covered = await page.evaluate<string>(COVERED_NODE);
		if (!covered) return;
		console.log(`  "${covered}" is under a button of the canvas: zooming out one step`);
		await page.evaluate(`document.querySelector('[data-test-id="zoom-out-button"]')?.click()`);
		await new Promise((done) => setTimeout(done, SETTLE_MS));
	}
}

/** Names of the canvas nodes that show an issue or warning badge (missing credential…). */
async function nodesWithWarnings(page: Page, names: Map<string, string>): Promise<string[]> {
	const ids = await page.evaluate<string[]>(`[...document.querySelectorAll(
		'[data-test-id="node-issues"], [data-test-id="canvas-node-status-warning"]')].map((el) => el.closest('[data-id]')?.getAttribute('data-id') ?? '?')`);
	return ids.map((id) => names.get(id) ?? id);
}

function readTemplate(file: string): WorkflowJson {
	return JSON.parse(readFileSync(join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;
}

function nodeOfType(template: WorkflowJson, type: string): TemplateNode {
	const node = (template.nodes as TemplateNode[]).find((n) => n.type === `${PACKAGE}.${type}`);
	if (!node) throw new Error(`template "${template.name}" has no ${type} node`);
	return node;
}

async function main(): Promise<void> {
	const started = Date.now();
	const keepWarnings = process.argv.includes('--keep-warnings');
	if (typeof WebSocket === 'undefined') {
		throw new Error(
			`Node ${process.versions.node} has no global WebSocket: run \`npm run screenshots\` (Node 24)`,
		);
	}
	const chromiumBinary = findChromium();
	if (!existsSync(join(REPO_ROOT, 'dist', 'index.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run screenshots does)');
	}

	const templates = {
		highlevel: readTemplate('highlevel-human-handover.workflow.json'),
		chatwoot: readTemplate('chatwoot-human-handover.workflow.json'),
		chat: readTemplate('n8n-chat-human-handover.workflow.json'),
	};

	console.log(
		'Starting n8n with n8n-nodes-human-handover (the first run installs n8n, a few minutes)…',
	);
	const n8n = await startN8n({ packageDir: REPO_ROOT });
	cleanups.push({
		name: 'n8n',
		run: async () => await n8n.destroy(),
		sync: () => undefined, // the harness kills its processes on exit
	});
	const watchdog = setTimeout(() => {
		console.error(`Gave up: the run took longer than ${RUN_TIMEOUT_MS / 1000} s`);
		void cleanUp().finally(() => process.exit(1));
	}, RUN_TIMEOUT_MS);
	watchdog.unref();

	const cookie = await loginCookie(n8n);
	const allNodes = Object.values(templates).flatMap((t) => t.nodes as TemplateNode[]);
	const nodeTypes = await nodeDescriptions(n8n, allNodes);
	const credentialTypes = await credentialDescriptions(n8n, cookie);
	const createdCredentials = new Map<string, { id: string; name: string }>();
	const ids: Record<keyof typeof templates, string> = { highlevel: '', chatwoot: '', chat: '' };
	for (const key of Object.keys(templates) as Array<keyof typeof templates>) {
		const workflow = await withPlaceholderCredentials(
			n8n,
			templates[key],
			nodeTypes,
			credentialTypes,
			createdCredentials,
		);
		ids[key] = await n8n.importWorkflow(workflow);
		console.log(`Imported and published "${templates[key].name}" (workflow ${ids[key]})`);
	}
	console.log(
		`Placeholder credentials: ${[...createdCredentials.keys()].join(', ') || 'none needed'}`,
	);

	const chromium = new Chromium(chromiumBinary);
	let cdp: Cdp | undefined;
	cleanups.push({
		name: 'Chromium',
		run: async () => await chromium.stop(cdp),
		sync: () => chromium.killNow(),
	});
	const browserUrl = await chromium.start();
	cdp = await Cdp.connect(browserUrl);
	const page = await Page.open(cdp);
	await page.send('Network.setCookie', {
		name: 'n8n-auth',
		value: cookie,
		url: `${n8n.baseUrl}/`,
		httpOnly: true,
		sameSite: 'Lax',
	});

	const names = (template: WorkflowJson) =>
		new Map((template.nodes as TemplateNode[]).map((n) => [n.id, n.name]));
	const canvas = (key: keyof typeof templates, file: string): Shot => ({
		file,
		what: `canvas of "${templates[key].name}"`,
		path: () => `/workflow/${ids[key]}`,
		ready: () => canvasReady(templates[key].nodes.length),
		nodeNames: () => names(templates[key]),
	});
	const panel = (key: keyof typeof templates, type: string, file: string): Shot => {
		const node = nodeOfType(templates[key], type);
		return {
			file,
			what: `panel of "${node.name}" (${type})`,
			path: () => `/workflow/${ids[key]}/${node.id}`,
			ready: () => panelReady(node.name),
		};
	};
	const shots: Shot[] = [
		canvas('highlevel', 'highlevel-template.png'),
		canvas('chatwoot', 'chatwoot-template.png'),
		canvas('chat', 'n8n-chat-template.png'),
		panel('highlevel', 'handoverDetectorTrigger', 'detector-panel.png'),
		panel('chat', 'handoverCheck', 'check-panel.png'),
	];

	mkdirSync(OUT_DIR, { recursive: true });
	const problems: string[] = [];
	const pictures: Array<{ file: string; png: Buffer }> = [];
	for (const shot of shots) {
		const url = `${n8n.baseUrl}${shot.path()}`;
		await page.navigate(url);
		await page.waitUntil(shot.what, shot.ready());
		await new Promise((done) => setTimeout(done, SETTLE_MS));
		// Still there after the settle time (no redirect to the sign-in page meanwhile)?
		await page.waitUntil(shot.what, shot.ready(), 10_000);
		if (shot.nodeNames) {
			await uncoverNodes(page);
			const warned = await nodesWithWarnings(page, shot.nodeNames());
			if (warned.length > 0) problems.push(`${shot.what}: warnings on ${warned.join(', ')}`);
		}
		const png = await page.screenshot();
		const file = join(OUT_DIR, shot.file);
		pictures.push({ file, png });
		const size = `${(png.length / 1024).toFixed(0)} KB`;
		console.log(`${relative(REPO_ROOT, file)}: ${shot.what}, ${size}`);
		if (png.length > MAX_PNG_BYTES) problems.push(`${shot.file} is ${size} (over 250 KB)`);
	}
	clearTimeout(watchdog);

	if (problems.length > 0) {
		const message = `Problems:\n- ${problems.join('\n- ')}`;
		if (!keepWarnings) {
			throw new Error(`${message}\nNo picture written (--keep-warnings writes them anyway).`);
		}
		console.warn(message);
	}
	for (const { file, png } of pictures) writeFileSync(file, png);
	console.log(
		`Wrote ${pictures.length} pictures to ${relative(REPO_ROOT, OUT_DIR)}/ in ${((Date.now() - started) / 1000).toFixed(0)} s.`,
	);
}

main()
	.then(async () => {
		await cleanUp();
		process.exit(0);
	})
	.catch(async (error) => {
		console.error(error instanceof Error ? error.message : error);
		await cleanUp();
		process.exit(1);
	});
