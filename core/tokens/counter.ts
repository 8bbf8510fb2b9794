/**
 * The client-side token counter of a thread: a Hugging Face tokenizer when
 * the test names one (`options.tokenizer`), else the estimate rule of
 * ./estimate.ts. Used only when the server reports no usage, and for the
 * client-side prompt length (`inputTokensClient`); results say which counted
 * (`tokensSource`: 'usage' | 'tokenizer' | 'estimate').
 *
 * The tokenizer is @huggingface/tokenizers (pure JavaScript, no native code,
 * no network): an optional dependency, loaded from a tokenizer.json on disk
 * (with tokenizer_config.json beside it when present). Nothing is fetched.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ErrorCode, LlmloadError } from '../errors.js';
import { resolveInputPath, triedSuffix } from '../datasets/input-path.js';
import { estimateTextTokens } from './estimate.js';

export type CountSource = 'tokenizer' | 'estimate';

let tokenizerCount: ((text: string) => number) | null = null;

/** Tokens of a text: the loaded tokenizer's count (no special tokens), else the estimate. */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return tokenizerCount === null ? estimateTextTokens(text) : tokenizerCount(text);
}

/** What countTextTokens uses in this thread. */
export function countSource(): CountSource {
  return tokenizerCount === null ? 'estimate' : 'tokenizer';
}

/** Use `count` for this thread's counts (null: back to the estimate). */
export function setTokenCounter(count: ((text: string) => number) | null): void {
  tokenizerCount = count;
}

/** The package llmload loads tokenizers with. */
export const TOKENIZER_PACKAGE = '@huggingface/tokenizers';

interface TokenizerModule {
  Tokenizer: new (tokenizer: object, config: object) => { encode(text: string, options?: { add_special_tokens?: boolean }): { ids: unknown[] } };
}

/**
 * Load a tokenizer.json and return its counting function. Synchronous (the
 * package's CommonJS build), so a worker can fail before it reports ready.
 * Throws LL_ERR_INPUT_FILE for a missing or malformed file and
 * LL_ERR_INVALID_OPTIONS when the package is not installed.
 */
export function loadTokenizer(path: string, scriptDir: string = process.cwd()): (text: string) => number {
  const input = resolveInputPath(path, scriptDir);
  const file = input.path;
  let json: object;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as object;
  } catch (error) {
    const cause = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file${triedSuffix(input)}` : (error as Error).message;
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: cannot load the tokenizer: ${cause}`, { cause: error });
  }
  const configFile = join(dirname(file), 'tokenizer_config.json');
  let config: object = {};
  if (existsSync(configFile)) {
    try {
      config = JSON.parse(readFileSync(configFile, 'utf8')) as object;
    } catch (error) {
      throw new LlmloadError(ErrorCode.INPUT_FILE, `${configFile}: cannot load the tokenizer config: ${(error as Error).message}`, { cause: error });
    }
  }
  let module: TokenizerModule;
  try {
    module = createRequire(import.meta.url)(TOKENIZER_PACKAGE) as TokenizerModule;
  } catch (error) {
    throw new LlmloadError(ErrorCode.INVALID_OPTIONS, `options.tokenizer: the package ${TOKENIZER_PACKAGE} is not installed`, {
      cause: error,
      hint: `npm install ${TOKENIZER_PACKAGE} (pure JavaScript; it reads the tokenizer.json you point to, nothing is downloaded)`,
    });
  }
  let tokenizer: InstanceType<TokenizerModule['Tokenizer']>;
  try {
    tokenizer = new module.Tokenizer(json, config);
  } catch (error) {
    throw new LlmloadError(ErrorCode.INPUT_FILE, `${path}: not a tokenizer this library can read: ${(error as Error).message}`, { cause: error });
  }
  return (text) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;
}
