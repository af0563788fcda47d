/**
 * Wall-clock time in a time zone, with the platform's Intl data only (no time-zone library): the
 * offset of a zone at an instant, and the instant a wall clock shows. No n8n import.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
	let format = formatters.get(timeZone);
	if (!format) {
		// Throws a RangeError for an unknown zone, before anything is cached.
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric',
		});
		formatters.set(timeZone, format);
	}
	return format;
}

/** How far `timeZone` is ahead of UTC at the instant `utcMs`. Throws for an unknown zone. */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
	const parts = formatterOf(timeZone).formatToParts(new Date(utcMs));
	const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second'),
	);
	return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant at which the zone's clock shows `wall` (a wall-clock time written as if it were UTC
 * milliseconds): the offset at a first guess, then again at the result, right across DST changes.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
	const guess = wall - zoneOffsetMs(wall, timeZone);
	return wall - zoneOffsetMs(guess, timeZone);
}

/** The zone's wall clock at the instant, as a Date whose UTC fields read that clock. */
export function wallClockAt(utcMs: number, timeZone: string): Date {
	return new Date(utcMs + zoneOffsetMs(utcMs, timeZone));
}

export function isTimeZone(timeZone: string): boolean {
	try {
		formatterOf(timeZone);
		return true;
	} catch {
		return false;
	}
}
