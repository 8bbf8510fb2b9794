/**
 * `llmload new [FILE]`: a commented starter script (as `k6 new`), plus the
 * tsconfig.json and package.json an editor needs to type-check it outside
 * this repository, when the folder has none. Never overwrites a script
 * without --force, and never touches an existing tsconfig or package.json.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { ErrorCode, LlmloadError } from '../../core/errors.js';
import { makeDir } from '../../core/outputs/make-dir.js';
import type { CliIo } from '../../core/run/io.js';
import { SCRIPT_PACKAGE_JSON, SCRIPT_TSCONFIG, TEMPLATE_ALIASES, TEMPLATE_NAMES, templateText } from '../../core/scaffold/templates.js';

interface NewArgs {
  file: string;
  template: string;
  force: boolean;
}

export function newCommand(io: CliIo): CommandModule<object, NewArgs> {
  return {
    command: 'new [file]',
    describe: 'Write a commented starter script (and the tsconfig.json an editor needs)',
    builder: (y) =>
      y
        .positional('file', { type: 'string', default: 'script.ts', describe: 'Script to write' })
        .option('template', {
          alias: 't',
          type: 'string',
          default: 'quickstart',
          describe: `Starting point: ${TEMPLATE_NAMES.join(', ')} (also ${Object.keys(TEMPLATE_ALIASES).join(', ')})`,
        })
        .option('force', { alias: 'f', type: 'boolean', default: false, describe: 'Overwrite FILE when it exists' })
        .example('$0 new', 'script.ts from the quickstart template')
        .example('$0 new sweep.ts --template sweep', 'A concurrency sweep'),
    handler: async (args) => {
      const text = templateText(args.template);
      if (text === null) {
        throw new LlmloadError(ErrorCode.USAGE, `--template ${JSON.stringify(args.template)}: unknown template (known: ${TEMPLATE_NAMES.join(', ')})`);
      }
      const path = resolve(io.cwd, args.file);
      if (existsSync(path) && !args.force) throw new LlmloadError(ErrorCode.USAGE, `${args.file} exists; pass --force to overwrite it, or name another file`);
      const dir = dirname(path);
      const shown = (p: string): string => relative(io.cwd, p) || basename(p);
      const written: string[] = [];
      try {
        await makeDir(dir);
        await writeFile(path, text.replaceAll('SCRIPT', shown(path)));
        written.push(shown(path));
        for (const [name, content] of [
          ['tsconfig.json', SCRIPT_TSCONFIG],
          ['package.json', SCRIPT_PACKAGE_JSON],
        ] as const) {
          const file = join(dir, name);
          if (existsSync(file)) continue;
          await writeFile(file, content);
          written.push(shown(file));
        }
      } catch (error) {
        if (error instanceof LlmloadError) throw error;
        throw new LlmloadError(ErrorCode.OUTPUT, `cannot write ${path}: ${(error as Error).message}`, { cause: error });
      }
      io.stderr.write(
        `wrote ${written.join(', ')}\nrun it: npx llmload run ${shown(path)}\nfor editor completion and tsc: npm install --save-dev llmload typescript (in ${shown(dir) === basename(dir) && dir === io.cwd ? 'this folder' : shown(dir)})\n`,
      );
    },
  };
}
