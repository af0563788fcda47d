/**
 * For the e2e test and the webhook benchmark: the Handover Detector (Dedicated Port) workflow, and a
 * package folder whose package.json registers the node for n8n.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { WorkflowJson } from '../../e2e/harness/n8n';
import { REPO_ROOT } from '../../e2e/harness/repoRoot';
import { PACKAGE_NAME } from '../../e2e/workflows';

export const LISTENER_NODE_FILE =
	'dist/nodes/HandoverDetectorListenerTrigger/HandoverDetectorListenerTrigger.node.js';

export interface ListenerPackage {
	dir: string;
	/** Removes the temporary folder, if one was made. */
	cleanup(): void;
}

/**
 * The repository itself once its package.json lists the listener node in `n8n.nodes`; until then a
 * temporary copy of package.json (with the entry added) and the built `dist`, with `node_modules`
 * linked so that the harness finds the runtime dependencies. Run `npm run build` first.
 */
export function listenerPackage(): ListenerPackage {
	const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	if (manifest.n8n.nodes.includes(LISTENER_NODE_FILE)) return { dir: REPO_ROOT, cleanup: () => {} };
	if (!existsSync(join(REPO_ROOT, LISTENER_NODE_FILE))) {
		throw new Error(`${LISTENER_NODE_FILE} does not exist: run npm run build first`);
	}
	const dir = mkdtempSync(join(tmpdir(), 'handover-listener-package-'));
	manifest.n8n.nodes = [...manifest.n8n.nodes, LISTENER_NODE_FILE];
	writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
	symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
	return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Handover Detector (Dedicated Port) on `listenAddress:port/path` → No Operation. */
export function listenerWorkflow(
	name: string,
	port: number,
	path: string,
	parameters: Record<string, unknown> = {},
): WorkflowJson {
	return {
		name,
		nodes: [
			{
				id: `${path}-listener`,
				name: 'Handover Detector',
				type: `${PACKAGE_NAME}.handoverDetectorListenerTrigger`,
				typeVersion: 1,
				position: [0, 0],
				parameters: { port, listenAddress: '127.0.0.1', path, ...parameters },
			},
			{
				id: `${path}-noop`,
				name: 'No Operation',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: {
			'Handover Detector': { main: [[{ node: 'No Operation', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}
