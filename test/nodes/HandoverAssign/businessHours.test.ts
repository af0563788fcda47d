import {
	isOpen,
	nextOpening,
	openingText,
	scheduleOf,
} from '../../../nodes/HandoverAssign/businessHours';

const office = scheduleOf(
	[
		{ days: 'weekdays', from: '09:00', to: '17:30' },
		{ days: 'saturday', from: '10:00', to: '13:00' },
	],
	'Europe/Madrid',
);

describe('business hours', () => {
	it("reads the wall clock of the schedule's time zone", () => {
		// Monday 1 Dec 2025 08:30 UTC is 09:30 in Madrid (UTC+1 in winter).
		expect(isOpen(office, new Date('2025-12-01T08:30:00Z'))).toBe(true);
		expect(isOpen(office, new Date('2025-12-01T07:59:00Z'))).toBe(false);
		// 17:30 is closing time: closed from that minute on.
		expect(isOpen(office, new Date('2025-12-01T16:29:00Z'))).toBe(true);
		expect(isOpen(office, new Date('2025-12-01T16:30:00Z'))).toBe(false);
		// Sunday.
		expect(isOpen(office, new Date('2025-12-07T11:00:00Z'))).toBe(false);
	});

	it('finds the next opening across the weekend', () => {
		// Saturday 6 Dec 2025 14:00 Madrid: closed until Monday 09:00.
		const opening = nextOpening(office, new Date('2025-12-06T13:00:00Z'));
		expect(opening?.toISOString()).toBe('2025-12-08T08:00:00.000Z');
		expect(openingText(opening!, office.timeZone)).toBe('Monday 09:00');
		// Friday night: Saturday morning.
		expect(nextOpening(office, new Date('2025-12-05T20:00:00Z'))?.toISOString()).toBe(
			'2025-12-06T09:00:00.000Z',
		);
	});

	it('keeps the local opening time across a daylight-saving change', () => {
		// Saturday 28 March 2026 14:00 Madrid; clocks go forward that night (UTC+2 from Sunday).
		expect(nextOpening(office, new Date('2026-03-28T13:00:00Z'))?.toISOString()).toBe(
			'2026-03-30T07:00:00.000Z',
		);
	});

	it('refuses times it cannot read, closings before openings and unknown zones, saying what to write', () => {
		expect(() => scheduleOf([{ days: 'weekdays', from: '9am', to: '17:00' }], 'UTC')).toThrow(
			'"9am–17:00" is not a time range: write it as 09:00 and 17:30',
		);
		expect(() => scheduleOf([{ days: 'weekdays', from: '22:00', to: '06:00' }], 'UTC')).toThrow(
			'split a night shift into two lines at midnight',
		);
		expect(() => scheduleOf([], 'Mars/Olympus')).toThrow('"Mars/Olympus" is not a time zone');
	});

	it('never opens without lines', () => {
		const none = scheduleOf([], 'UTC');
		expect(isOpen(none, new Date())).toBe(false);
		expect(nextOpening(none, new Date())).toBeUndefined();
	});
});
