const path = require('path');
const { task, src, dest } = require('gulp');

// tsc does not copy node icons and codex files; n8n loads them from next to the compiled node.
// The detector's trained weights (nodes/engine/model/handoverModel.json) are read the same way.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}', 'nodes/engine/model/*.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist'))),
);
