const path = require('path');
const { task, src, dest } = require('gulp');

// tsc does not copy node icons and codex files; n8n loads them from next to the compiled node.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(
		dest(path.resolve('dist')),
	),
);
