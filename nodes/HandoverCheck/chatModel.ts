/**
 * n8n's connected chat model (a LangChain model from an n8n model node) as the second opinion's
 * AskModel. Only its `invoke` is used, so the package needs no LangChain of its own.
 */
import type { AskModel } from '../detector/secondOpinion';

interface InvokableModel {
	invoke(input: string, options?: { signal?: AbortSignal }): Promise<unknown>;
}

const isInvokable = (model: unknown): model is InvokableModel =>
	typeof model === 'object' &&
	model !== null &&
	typeof (model as { invoke?: unknown }).invoke === 'function';

/** The text of a model's answer: a string, or a message whose content is text or text parts. */
export function answerText(answer: unknown): string {
	if (typeof answer === 'string') return answer;
	const content = (answer as { content?: unknown } | null)?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) {
		return content
			.map((part) =>
				typeof part === 'string' ? part : String((part as { text?: unknown })?.text ?? ''),
			)
			.join('');
	}
	return '';
}

/** The connected model as an AskModel; undefined when nothing usable is connected. */
export function askModelOf(model: unknown): AskModel | undefined {
	if (!isInvokable(model)) return undefined;
	return async (prompt, signal) => answerText(await model.invoke(prompt, { signal }));
}
