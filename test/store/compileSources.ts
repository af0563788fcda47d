import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

/** The engine, the stores and the conversation module: what the child processes of the store tests run. */
const DEFAULT_FOLDERS = ['nodes/engine', 'nodes/store', 'nodes/conversation'];

function walk(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? walk(join(dir, entry.name))
			: entry.name.endsWith('.ts') || entry.name.endsWith('.json')
				? [join(dir, entry.name)]
				: [],
	);
}

/**
 * Transpiles `folders` (relative to the repository) to CommonJS under `outDir`, keeping their paths,
 * for child processes to require: Node's type stripping cannot follow the sources' extensionless
 * imports. JSON files (the detector's weights, read from beside the compiled scorer) are copied.
 */
export function compileSources(outDir: string, folders: string[] = DEFAULT_FOLDERS): void {
	for (const file of folders.flatMap((folder) => walk(join(ROOT, folder)))) {
		const target = join(outDir, relative(ROOT, file));
		mkdirSync(dirname(target), { recursive: true });
		if (file.endsWith('.json')) {
			writeFileSync(target, readFileSync(file));
			continue;
		}
		const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
			fileName: file,
			compilerOptions: {
				module: ts.ModuleKind.CommonJS,
				target: ts.ScriptTarget.ES2022,
				esModuleInterop: true,
			},
		});
		writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
	}
}
