/**
 * Preloaded with `--import` (NODE_OPTIONS): V8 prints each garbage collection of every isolate to
 * stdout. Set at run time rather than as `--trace-gc` on the command line, which worker threads
 * refuse in their execArgv.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--trace-gc');
