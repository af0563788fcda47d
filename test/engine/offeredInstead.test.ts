import { listsOptions, onlyOffersOptions } from '../../nodes/engine/offeredInstead';

describe('a menu of options', () => {
	it.each([
		'1️⃣ Bills 2️⃣ Plans 3️⃣ Faults',
		'What can we help with?\n1. Book\n2. Opening hours\n3. Find us',
		'Wähle bitte: 1 – Speisekarte 2 – Öffnungszeiten 3 – Anfahrt',
		'Sendung verfolgen | Paket versenden | Filiale finden',
		'Immatricolazioni · Tasse · Esami',
		'• Bookings • Check-in • Parking',
	])('is read in "%s"', (text) => {
		expect(listsOptions(text)).toBe(true);
		expect(onlyOffersOptions(text)).toBe(true);
	});

	it('needs three options, not a price or a date', () => {
		expect(listsOptions('It costs 1.50 € from 1. März, or 2) if you pay later')).toBe(false);
		expect(listsOptions('Menu | Hours')).toBe(false);
	});

	it('offers nothing but options only when no figure stands beside them', () => {
		const answered = 'Mo: closed, Tue–Fri 5–11pm\n1 Book | 2 Menu | 3 Back';
		expect(listsOptions(answered)).toBe(true);
		expect(onlyOffersOptions(answered)).toBe(false);
		expect(onlyOffersOptions('Free tomorrow at 7:45 · 8:30 · 9:15')).toBe(false);
	});
});
