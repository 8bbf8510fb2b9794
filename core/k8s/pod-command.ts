/**
 * What each pod of the Indexed Job runs. One pod template serves every index,
 * so the command is a fixed shell line that picks the role from
 * JOB_COMPLETION_INDEX; everything that varies (addresses, folders, the
 * instance count) comes in as environment variables, which keeps the line the
 * same in `llmload k8s manifest` output and in the Helm chart.
 *
 *  - index 0, the coordinator: `llmload run SCRIPT --coordinator --listen 0.0.0.0:PORT --report DIR`;
 *    it runs setup(), waits for the runners, merges, writes the report and
 *    exits with the verdict (0 pass, 99 thresholds failed).
 *  - indexes 1…N, the runners: `llmload run SCRIPT --coordinator-url http://JOB-0.SERVICE:PORT --instance auto`.
 */
import { OFFSET_ENV } from '../distributed/instance-option.js';

/**
 * The Job's index of the first runner: index 0 is the coordinator, so runner
 * k of N has JOB_COMPLETION_INDEX k + RUNNER_INDEX_OFFSET. `--instance auto`
 * subtracts the offset it finds in INSTANCE_OFFSET_ENV. The one place this
 * off-by-one is decided.
 */
export const RUNNER_INDEX_OFFSET = 1;
/** Set on every pod to RUNNER_INDEX_OFFSET: what `--instance auto` subtracts from JOB_COMPLETION_INDEX. */
export const INSTANCE_OFFSET_ENV = OFFSET_ENV;

/** Where the ConfigMap's bundled script is mounted, and its file name there. */
export const SCRIPT_DIR = '/etc/llmload';
export const SCRIPT_FILE = 'script.mjs';
/** Where the coordinator writes its report folder (a PersistentVolumeClaim, or an emptyDir). */
export const REPORT_DIR = '/reports';

/** Environment variables the pod command reads, set in the pod template. */
export const POD_ENV = {
  /** http://JOB-0.SERVICE:PORT: index 0's stable name through the headless Service. */
  coordinatorUrl: 'LLMLOAD_COORDINATOR_URL',
  /** 0.0.0.0:PORT: where the coordinator listens. */
  listen: 'LLMLOAD_LISTEN',
  /** The coordinator's report folder, under REPORT_DIR. */
  report: 'LLMLOAD_REPORT',
} as const;

/** The coordinator's URL as runners reach it: the pod `JOB-0` in the headless Service's domain. */
export function coordinatorUrl(jobName: string, serviceName: string, port: number | string): string {
  return `http://${jobName}-0.${serviceName}:${port}`;
}

/** The coordinator's command line after `llmload` (shell words, expanded by sh). */
export const COORDINATOR_ARGS = `run ${SCRIPT_DIR}/${SCRIPT_FILE} --coordinator --listen "$${POD_ENV.listen}" --report "$${POD_ENV.report}"`;
/** A runner's command line after `llmload`; runners write no report of their own. */
export const RUNNER_ARGS = `run ${SCRIPT_DIR}/${SCRIPT_FILE} --coordinator-url "$${POD_ENV.coordinatorUrl}" --instance auto --no-report`;

/**
 * The container's command: sh picks the role, then becomes llmload (exec), so
 * llmload's exit code is the pod's. Extra flags (--url, --model …) come after
 * the script as "$@", the same for both roles.
 */
export const POD_COMMAND: readonly string[] = [
  '/bin/sh',
  '-c',
  `if [ "$JOB_COMPLETION_INDEX" = 0 ]; then exec llmload ${COORDINATOR_ARGS} "$@"; else exec llmload ${RUNNER_ARGS} "$@"; fi`,
  'llmload',
];
