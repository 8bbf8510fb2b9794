/**
 * The words a verdict uses for the thresholds, shared by the summary, the
 * report and JUnit. A threshold with no data is neither passed nor failed: it
 * does not fail the run (k6's exit code semantics), but no headline may say
 * "every threshold passed" while one could not be judged. An inconclusive
 * threshold (its limit within its value's 95 % interval) is named as such whether
 * it fails the run (the default) or was let pass: never as a plain pass.
 */
import type { ThresholdResult } from './types.js';

/** The verdict's first word. */
export type VerdictWord = 'PASS' | 'FAIL' | 'NO DATA';

/** How one threshold ended. */
export type ThresholdOutcome = 'pass' | 'fail' | 'inconclusive' | 'no data';

/** 'inconclusive' whether it fails the run or was let pass; `ok` says which. */
export function thresholdOutcome(result: ThresholdResult): ThresholdOutcome {
  if (result.state === 'inconclusive') return 'inconclusive';
  if (!result.ok) return 'fail';
  return result.noData ? 'no data' : 'pass';
}

/** 'about 330 more requests needed', or why no number can be given. */
export function moreRequestsText(result: Pick<ThresholdResult, 'moreRequests'>): string {
  return result.moreRequests === null || result.moreRequests === undefined ? 'the value sits on the limit' : `about ${result.moreRequests} more requests needed`;
}

/** `llm_ttft{failure:timeout} p(95)<1`: how a threshold is named in one line. */
export function thresholdName(result: Pick<ThresholdResult, 'key' | 'source'>): string {
  return `${result.key} ${result.source}`;
}

/**
 * The verdict in words, without a final period: the word, then what it rests on.
 *   PASS, "every threshold passed"
 *   PASS, "3 of 4 thresholds passed; 1 had no data: llm_ttft{failure:timeout} p(95)<1"
 *   FAIL, "1 of 4 thresholds failed; 1 had no data: …"
 *   NO DATA, "none of 2 thresholds could be judged: …" (nothing failed, nothing passed: no green word)
 *   FAIL, "0 failed, 1 inconclusive of 3 thresholds: llm_request_failed rate<0.01 (about 330 more requests needed)"
 *   PASS, "2 of 3 thresholds passed, 1 inconclusive (let pass): …" (inconclusive: 'pass')
 * `notRun` names the planned phases that never started ("level 8"), appended as
 * "the run stopped before level 8 ran".
 */
export function thresholdVerdict(results: readonly ThresholdResult[], notRun = ''): { word: VerdictWord; detail: string } {
  const { word, detail } = judged(results);
  if (notRun === '') return { word, detail };
  // Thresholds were judged on the phases that ran; say which did not, so PASS never covers them.
  return { word, detail: `${detail === 'every threshold passed' ? 'every threshold passed on what ran' : detail}; the run stopped before ${notRun} ran` };
}

function judged(results: readonly ThresholdResult[]): { word: VerdictWord; detail: string } {
  const failed = results.filter((r) => thresholdOutcome(r) === 'fail').length;
  const passed = results.filter((r) => thresholdOutcome(r) === 'pass').length;
  const noData = results.filter((r) => thresholdOutcome(r) === 'no data');
  const inconclusive = results.filter((r) => thresholdOutcome(r) === 'inconclusive');
  const missing = noData.length === 0 ? '' : `; ${noData.length} had no data: ${noData.map(thresholdName).join(', ')}`;
  const plural = results.length === 1 ? 'threshold' : 'thresholds';
  if (inconclusive.length > 0) {
    const named = inconclusive.map((r) => `${thresholdName(r)} (${moreRequestsText(r)})`).join(', ');
    if (failed > 0 || inconclusive.some((r) => !r.ok)) {
      const lenient = inconclusive.filter((r) => r.ok).length;
      return {
        word: 'FAIL',
        detail: `${failed} failed, ${inconclusive.length} inconclusive${lenient > 0 ? ` (${lenient} let pass)` : ''} of ${results.length} ${plural}: ${named}${missing}`,
      };
    }
    return { word: 'PASS', detail: `${passed} of ${results.length} ${plural} passed, ${inconclusive.length} inconclusive (let pass): ${named}${missing}` };
  }
  if (failed > 0) return { word: 'FAIL', detail: `${failed} of ${results.length} ${plural} failed${missing}` };
  if (noData.length === 0) return { word: 'PASS', detail: 'every threshold passed' };
  if (passed === 0) return { word: 'NO DATA', detail: `none of ${results.length} ${plural} could be judged: ${noData.map(thresholdName).join(', ')}` };
  return { word: 'PASS', detail: `${passed} of ${results.length} ${plural} passed${missing}` };
}

/** "PASS — 3 of 4 thresholds passed; 1 had no data: …" */
export function thresholdHeadline(results: readonly ThresholdResult[], notRun = ''): string {
  const { word, detail } = thresholdVerdict(results, notRun);
  return `${word} — ${detail}`;
}
