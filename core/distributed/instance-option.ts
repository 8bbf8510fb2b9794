/**
 * Which instance of a split test this process is, from its flags:
 *
 *  - `--instance i/N`: instance i (0-based) of N even ones;
 *  - `--instance auto`: i from JOB_COMPLETION_INDEX (set by Kubernetes
 *    Indexed Jobs), N from LLMLOAD_INSTANCES;
 *  - k6's `--execution-segment FROM:TO`, with `--execution-segment-sequence`
 *    when the instances are not even.
 *
 * Null when the test is not split.
 */
import { ErrorCode, LlmloadError } from '../errors.js';
import { instanceSlice, parseSegment, parseSequence, sliceOfSegment, type InstanceSlice } from './segment.js';

export interface InstanceFlags {
  instance?: string;
  executionSegment?: string;
  executionSegmentSequence?: string;
}

/** Environment variables `--instance auto` reads. */
export const INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** What `--instance auto` subtracts from JOB_COMPLETION_INDEX when set (the Kubernetes manifest sets it: pod 0 is the coordinator). */
export const OFFSET_ENV = 'LLMLOAD_INSTANCE_OFFSET';
export const COUNT_ENV = 'LLMLOAD_INSTANCES';

function usage(message: string, hint?: string): LlmloadError {
  return new LlmloadError(ErrorCode.USAGE, message, hint === undefined ? {} : { hint });
}

function wholeNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/**
 * With a coordinator (`coordinated`), pod 0 of the Indexed Job is the coordinator: `--instance auto`
 * makes runner JOB_COMPLETION_INDEX − 1 of LLMLOAD_INSTANCES runners.
 */
export function resolveInstance(flags: InstanceFlags, env: Readonly<Record<string, string | undefined>>, how: { coordinated?: boolean } = {}): InstanceSlice | null {
  if (flags.instance !== undefined && (flags.executionSegment !== undefined || flags.executionSegmentSequence !== undefined)) {
    throw usage('--instance and --execution-segment say the same thing two ways: give one of them');
  }
  if (flags.instance !== undefined) return parseInstance(flags.instance, env, how.coordinated === true ? 1 : 0);
  if (flags.executionSegmentSequence !== undefined && flags.executionSegment === undefined) {
    throw usage('--execution-segment-sequence needs --execution-segment: which of its segments this instance runs');
  }
  if (flags.executionSegment === undefined) return null;
  const segment = parseSegment(flags.executionSegment);
  return sliceOfSegment(segment, flags.executionSegmentSequence === undefined ? undefined : parseSequence(flags.executionSegmentSequence));
}

function parseInstance(text: string, env: Readonly<Record<string, string | undefined>>, firstIndex: number): InstanceSlice {
  let index: number | null;
  let count: number | null;
  if (text.trim() === 'auto') {
    firstIndex = wholeNumber(env[OFFSET_ENV]) ?? firstIndex;
    const jobIndex = wholeNumber(env[INDEX_ENV]);
    index = jobIndex === null ? null : jobIndex - firstIndex;
    count = wholeNumber(env[COUNT_ENV]);
    if (index !== null && index < 0) throw usage(`--instance auto: ${INDEX_ENV} ${jobIndex} is the coordinator's pod, not a runner's`, 'Run index 0 with --coordinator.');
    if (index === null)
      throw usage(
        `--instance auto: ${INDEX_ENV} is ${env[INDEX_ENV] === undefined ? 'not set' : `"${env[INDEX_ENV]}", not a whole number`}`,
        'Kubernetes sets it on the pods of an Indexed Job.',
      );
    if (count === null || count < 1)
      throw usage(
        `--instance auto: ${COUNT_ENV} is ${env[COUNT_ENV] === undefined ? 'not set' : `"${env[COUNT_ENV]}", not a number of instances`}`,
        "Set it to the Job's completions.",
      );
  } else {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    if (m === null) throw usage(`--instance: "${text}" is not INDEX/COUNT or auto`, 'Example: --instance 0/4 is the first of four instances.');
    index = Number(m[1]);
    count = Number(m[2]);
  }
  if (count < 1 || index >= count) throw usage(`--instance: index ${index} is not one of 0 … ${count - 1} (indexes start at 0)`);
  return instanceSlice(index, count);
}
