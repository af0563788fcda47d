export {
	detectHandover,
	DEFAULT_OPTIONS,
	resolveOptions,
	emptyMemory,
	isBotPaused,
} from './detectHandover';
export { normaliseText } from './normalise';
export { findContactRequest } from './contactRequest';
export type * from './types';
