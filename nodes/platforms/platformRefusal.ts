/**
 * A call a platform client refuses to make, or an answer that means the action did not happen
 * although the HTTP status says success. Platform-neutral, so that actions can tell it from a
 * transport failure without knowing which client threw it.
 */
export class PlatformRefusal extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PlatformRefusal';
	}
}
