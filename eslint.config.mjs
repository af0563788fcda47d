import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

export default [
	{
		ignores: [
			'dist/**',
			'.build/**',
			'node_modules/**',
			'test/**',
			'bench/**',
			'examples/**',
			'docs/**',
			'*.js',
		],
	},
	{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
	{ files: ['package.json'], languageOptions: { parser: jsoncParser } },
	n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	{
		rules: {
			// A self-hosted community node by design: zod validates webhooks and the state store
			// needs a Redis client, so runtime dependencies are intended (see README).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
	{
		// The engine, the store and the inbound parsers are plain TypeScript with no n8n import (DESIGN.md §2):
		// the node that calls them turns their errors into NodeOperationError / NodeApiError.
		files: [
			'nodes/engine/**',
			'nodes/store/**',
			'nodes/platforms/*/inbound.ts',
			'nodes/platforms/inbound.ts',
		],
		rules: { '@n8n/community-nodes/require-node-api-error': 'off' },
	},
];
