import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder up from here whose package.json is this package's. */
function findRepoRoot(from: string): string {
	for (let dir = from; ; dir = dirname(dir)) {
		const manifest = join(dir, 'package.json');
		if (existsSync(manifest)) {
			const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
			if (name === 'n8n-nodes-human-handover') return dir;
		}
		if (dirname(dir) === dir)
			throw new Error(`No n8n-nodes-human-handover package.json above ${from}`);
	}
}

/** Found by walking up, so that the harness also works when compiled into another folder. */
export const REPO_ROOT = findRepoRoot(__dirname);
