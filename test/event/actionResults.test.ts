import { actionFieldExpression, actionResult } from '../../nodes/event/actionResults';
import { eventFieldExpression } from '../../nodes/event/handoverEvent';

describe('actionResult', () => {
	it("gives an earlier action's result, and nothing for one that failed or did not run", () => {
		const assign = {
			platform: 'highlevel',
			contactId: 'c',
			userId: 'u',
			userName: 'Ana',
			strategy: 'roundRobin',
			tried: [],
		};

		expect(actionResult({ actions: { assign } }, 'assign')?.userName).toBe('Ana');
		expect(actionResult({ actions: { assign: { error: 'no one' } } }, 'assign')).toBeUndefined();
		expect(actionResult({ actions: {} }, 'task')).toBeUndefined();
		expect(actionResult({}, 'assign')).toBeUndefined();
	});
});

describe('field expressions', () => {
	it('are the expressions the node defaults have always used', () => {
		expect(actionFieldExpression('assign', 'userId')).toBe('={{ $json.actions?.assign?.userId }}');
		expect(eventFieldExpression('conversationId')).toBe('={{ $json.conversationId }}');
	});
});
