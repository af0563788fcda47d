/** When a pause ends. Plain TypeScript: the node turns the errors into NodeOperationErrors. */
import { instantOfWallClock, isTimeZone } from '../shared/zonedTime';

export type PauseUnit = 'minutes' | 'hours' | 'days';

const UNIT_MS: Record<PauseUnit, number> = {
	minutes: 60_000,
	hours: 60 * 60_000,
	days: 24 * 60 * 60_000,
};

export function durationEnd(now: Date, amount: number, unit: PauseUnit): Date | undefined {
	const unitMs = UNIT_MS[unit];
	if (!Number.isFinite(amount) || amount <= 0 || unitMs === undefined) return undefined;
	return new Date(now.getTime() + amount * unitMs);
}

const LOCAL_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * A Date Time parameter as an instant. n8n's date picker gives a wall-clock time without offset
 * ("2026-11-26T09:00:00"), meant in the workflow's time zone, not the server's; a value with an
 * offset or Z, a Date or a Luxon DateTime (from an expression like {{ $now.plus(2, 'days') }}) is
 * taken as it is. Undefined when the value is not a date.
 */
export function parseDateTime(value: unknown, timeZone: string | undefined): Date | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
	if (
		value &&
		typeof value === 'object' &&
		typeof (value as { toISO?: unknown }).toISO === 'function'
	) {
		return parseDateTime((value as { toISO: () => string }).toISO(), timeZone);
	}
	const text = typeof value === 'string' ? value.trim() : '';
	if (!text) return undefined;
	const local = LOCAL_DATE_TIME.exec(text);
	if (local) {
		const [year, month, day, hour, minute, second] = local
			.slice(1, 7)
			.map((part) => Number(part ?? 0));
		const milliseconds = Math.round(Number(`0.${local[7] ?? '0'}`) * 1000);
		const wall = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds);
		const zone = timeZone && isTimeZone(timeZone) ? timeZone : 'UTC';
		const result = new Date(instantOfWallClock(wall, zone));
		return Number.isNaN(result.getTime()) ? undefined : result;
	}
	const parsed = new Date(text);
	return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
