/**
 * The command line: parses arguments, calls the core, prints. This is the
 * only place that turns errors into exit codes.
 */
import { Command, CommanderError, Option } from 'commander';
import { EnewsError, ExitCode, formatError } from '../errors.js';
import { consoleOutput, type Output } from './output.js';
import { VERSION } from '../version.js';
import { loadEnv, redactor, secretsOf, type Env } from '../config/env.js';
import { displayPathFrom, relativizer } from '../util/paths.js';
import { registerSend } from './commands/send.js';
import { registerStatus } from './commands/status.js';

export interface CliContext {
  cwd: string;
  env: Env;
  output: Output;
  /** Removes secrets (SMTP password, unsubscribe secret) from any text. */
  redact: (s: string) => string;
  /** A path as people see it: relative to the working folder when inside it. */
  display: (file: string) => string;
}

// Commands are imported when used: `send` then never loads MJML, and starts faster.
function program(ctx: CliContext, setExit: (code: number) => void): Command {
  const p = new Command('enews')
    .description('Build, review and send numbered email newsletters.')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .showHelpAfterError('(run enews --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.trimEnd()), writeErr: (s) => ctx.output.err(s.trimEnd()) });

  p.command('new')
    .description('write issues/NNN.yaml for the next issue, preselecting catalog items dated since the previous issue')
    .option('--date <YYYY-MM-DD>', 'date of the new issue (default: today)')
    .option('--number <N>', 'issue number (default: the next one)')
    .action(async (opts) => setExit(await (await import('./commands/new.js')).newCommand(ctx, opts)));

  p.command('build')
    .description('render issue N into DIR/NNN/ (email.html, email.txt, message.eml, manifest.json)')
    .argument('<number>', 'issue number, e.g. 3 or 003')
    .option('--out <DIR>', 'output folder', 'dist')
    .option('--screenshots', 'also write desktop.png and mobile.png (needs Chromium)')
    .option('--browser <PATH>', 'Chrome/Chromium executable for --screenshots (default: $CHROMIUM_PATH, else the usual install locations)')
    .action(async (number, opts) => setExit(await (await import('./commands/build.js')).buildCommand(ctx, number, opts)));

  p.command('check')
    .description('validate content and templates of issue N and print warnings; writes nothing')
    .argument('<number>', 'issue number')
    .action(async (number) => setExit(await (await import('./commands/check.js')).checkCommand(ctx, number)));

  p.command('preview')
    .description('review server on 127.0.0.1: desktop and phone frames, text part, headers; reloads on edits')
    .argument('<number>', 'issue number')
    .option('--port <P>', 'port (default 4280; 0 picks a free one)', '4280')
    .option('--subscribers <FILE>', 'CSV whose rows the subscriber picker offers')
    .option('--open', 'open the page in the default browser')
    .action(async (number, opts) => setExit(await (await import('./commands/preview.js')).previewCommand(ctx, number, opts)));

  registerSend(p, ctx, setExit);

  registerStatus(p, ctx, setExit);

  return p;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function run(argv: string[], o: RunOptions = {}): Promise<number> {
  const cwd = o.cwd ?? process.cwd();
  const env = loadEnv(cwd, o.env ?? process.env);
  const redact = redactor(secretsOf(env));
  const raw = o.output ?? consoleOutput;
  const relative = relativizer(cwd);
  // Everything printed passes through the redactor, errors from libraries included; text also gets relative paths.
  const output: Output = {
    out: (l) => raw.out(relative(redact(l))),
    err: (l) => raw.err(relative(redact(l))),
    data: (l) => raw.out(redact(l)),
    isTTY: raw.isTTY,
  };
  const ctx: CliContext = { cwd, env, output, redact, display: (f) => displayPathFrom(cwd, f) };
  let code: number = ExitCode.ok;
  const p = program(ctx, (c) => (code = c));
  const debug = argv.includes('--debug');
  try {
    await p.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is a usage error.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof EnewsError) {
      output.err(`error: ${formatError(err)}`);
      if (debug && err.stack) output.err(err.stack);
      return err.exitCode;
    }
    output.err(`error: unexpected failure: ${(err as Error)?.message ?? String(err)}`);
    output.err(debug ? String((err as Error)?.stack) : '(run again with --debug for details)');
    return ExitCode.badInput;
  }
}
