/**
 * Business hours in a time zone: whether the team is in now, and when it next opens. HighLevel
 * has no presence API, so a schedule is how a flow knows that nobody is there. No n8n import.
 */
import { instantOfWallClock, isTimeZone, wallClockAt } from '../shared/zonedTime';

export type DayChoice =
	| 'everyDay'
	| 'weekdays'
	| 'weekend'
	| 'monday'
	| 'tuesday'
	| 'wednesday'
	| 'thursday'
	| 'friday'
	| 'saturday'
	| 'sunday';

/** One line of the schedule as the node takes it: days, and a from–to time of day ("09:00"). */
export interface OpeningLine {
	days: DayChoice;
	from: string;
	to: string;
}

/** Opening minutes of each weekday (0 = Sunday), as [from, to) minute ranges. */
export interface Schedule {
	timeZone: string;
	ranges: Array<Array<[number, number]>>;
}

const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

const DAYS_OF: Record<DayChoice, number[]> = {
	everyDay: [0, 1, 2, 3, 4, 5, 6],
	weekdays: [1, 2, 3, 4, 5],
	weekend: [0, 6],
	...(Object.fromEntries(DAY_NAMES.map((name, day) => [name, [day]])) as Record<string, number[]>),
} as Record<DayChoice, number[]>;

/** Minutes after midnight of "HH:MM" (24 h; "24:00" is the end of the day), or undefined. */
export function minutesOf(time: string): number | undefined {
	const match = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
	if (!match) return undefined;
	const minutes = Number(match[1]) * 60 + Number(match[2]);
	if (Number(match[2]) > 59 || minutes > 24 * 60) return undefined;
	return minutes;
}

/**
 * The schedule of the node's lines; a problem (a bad time, a closing before an opening, an unknown
 * time zone) is thrown as a message that names it. Lines that end before they start are refused
 * rather than read as overnight: a night shift is two lines (22:00–24:00, 00:00–06:00).
 */
export function scheduleOf(lines: OpeningLine[], timeZone: string): Schedule {
	if (!isTimeZone(timeZone))
		throw new Error(`"${timeZone}" is not a time zone, e.g. Europe/Madrid`);
	const ranges: Schedule['ranges'] = [[], [], [], [], [], [], []];
	for (const line of lines) {
		const from = minutesOf(line.from);
		const to = minutesOf(line.to);
		if (from === undefined || to === undefined) {
			throw new Error(`"${line.from}–${line.to}" is not a time range: write it as 09:00 and 17:30`);
		}
		if (to <= from) {
			throw new Error(
				`${line.from}–${line.to} ends before it starts: split a night shift into two lines at midnight`,
			);
		}
		const days = DAYS_OF[line.days];
		if (!days) throw new Error(`"${String(line.days)}" is not a choice of days`);
		for (const day of days) ranges[day].push([from, to]);
	}
	return { timeZone, ranges };
}

interface LocalTime {
	year: number;
	month: number;
	day: number;
	weekday: number;
	minutes: number;
}

function localTime(instant: number, timeZone: string): LocalTime {
	const clock = wallClockAt(instant, timeZone);
	return {
		year: clock.getUTCFullYear(),
		month: clock.getUTCMonth() + 1,
		day: clock.getUTCDate(),
		weekday: clock.getUTCDay(),
		minutes: clock.getUTCHours() * 60 + clock.getUTCMinutes(),
	};
}

/** The instant at which the wall clock of the time zone shows this date and minute. */
const instantOf = (year: number, month: number, day: number, minutes: number, zone: string) =>
	instantOfWallClock(Date.UTC(year, month - 1, day, 0, minutes), zone);

/** Whether the schedule is open at the instant. A schedule without lines is never open. */
export function isOpen(schedule: Schedule, at: Date): boolean {
	const now = localTime(at.getTime(), schedule.timeZone);
	return schedule.ranges[now.weekday].some(([from, to]) => now.minutes >= from && now.minutes < to);
}

/** The next opening after `at` within two weeks, or undefined when the schedule has no lines. */
export function nextOpening(schedule: Schedule, at: Date): Date | undefined {
	const start = localTime(at.getTime(), schedule.timeZone);
	for (let offset = 0; offset <= 14; offset++) {
		// Noon of the local day `offset` days on: far from any daylight-saving jump at night.
		const noon = instantOf(start.year, start.month, start.day, 12 * 60, schedule.timeZone);
		const day = localTime(noon + offset * 86_400_000, schedule.timeZone);
		const openings = schedule.ranges[day.weekday]
			.map(([from]) => instantOf(day.year, day.month, day.day, from, schedule.timeZone))
			.filter((instant) => instant > at.getTime())
			.sort((a, b) => a - b);
		if (openings.length > 0) return new Date(openings[0]);
	}
	return undefined;
}

/** The opening as the contact reads it in the schedule's time zone: "Monday 09:00". */
export function openingText(opening: Date, timeZone: string): string {
	return new Intl.DateTimeFormat('en-GB', {
		timeZone,
		weekday: 'long',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	}).format(opening);
}
