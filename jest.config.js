/** Unit tests run by `npm test`; end-to-end tests against a real n8n by `npm run test:e2e`. */
// Transpile only (isolatedModules in tsconfig.json): type checking is `tsc`'s job, not the tests'.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

module.exports = {
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['<rootDir>/test/e2e/'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
		},
	],
};
