/**
 * The command line: parses arguments, calls the core, prints. This is the
 * only place that turns errors into exit codes.
 */
import { Command, CommanderError } from 'commander';
import { EnewsError, ExitCode, formatError } from '../errors.js';
import type { CliContext } from './context.js';
import { consoleOutput, type Output } from './output.js';
import { VERSION } from '../version.js';
import { neutralizeKeepLines } from '../util/safe-text.js';
import { loadEnv, redactor, secretsOf } from '../config/env.js';
import { transportSecrets } from '../delivery/transports/index.js';
import {
  displayFrom,
  findProjectRoot,
  notInProject,
  projectFlag,
  projectFromFlag,
  relativizerFrom,
} from '../project/root.js';
import { registerApprove } from './commands/approve.js';
import { registerBuild } from './commands/build.js';
import { registerCheck } from './commands/check.js';
import { registerNew } from './commands/new.js';
import { registerPreview } from './commands/preview.js';
import { registerSend } from './commands/send.js';
import { registerSite } from './commands/site.js';
import { registerServe } from './commands/serve.js';
import { registerInbox } from './commands/inbox.js';
import { registerEvents } from './commands/events.js';
import { registerReport } from './commands/report.js';
import { registerStatus } from './commands/status.js';
import { registerInit } from './commands/init.js';
import { registerTemplates } from './commands/templates.js';
import { registerState } from './commands/state.js';
import { registerSubscriber } from './commands/subscriber.js';
import { registerItems } from './commands/items.js';

// Each command declares its options in its own file and imports the core when it runs:
// `send` then never loads MJML, and every command starts faster.
function program(ctx: CliContext, setExit: (code: number) => void): Command {
  const p = new Command('enews')
    .description('Build, review and send numbered email newsletters.')
    .version(VERSION)
    .option('--debug', 'show stack traces for errors')
    .option('--project <DIR>', 'the project folder (default: the nearest folder above with issues/newsletter.yaml)')
    .showHelpAfterError('(run enews --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.trimEnd()), writeErr: (s) => ctx.output.err(s.trimEnd()) });

  registerInit(p, ctx, setExit);
  registerNew(p, ctx, setExit);
  registerItems(p, ctx, setExit);
  registerBuild(p, ctx, setExit);
  registerCheck(p, ctx, setExit);
  registerPreview(p, ctx, setExit);
  registerApprove(p, ctx, setExit);
  registerSend(p, ctx, setExit);
  registerStatus(p, ctx, setExit);
  registerServe(p, ctx, setExit);
  registerInbox(p, ctx, setExit);
  registerEvents(p, ctx, setExit);
  registerReport(p, ctx, setExit);
  registerSite(p, ctx, setExit);
  registerTemplates(p, ctx, setExit);
  registerState(p, ctx, setExit);
  registerSubscriber(p, ctx, setExit);
  for (const c of p.commands) helpHint(c, 'enews');

  return p;
}

/**
 * After a usage error, point at the help of the command that was typed (`enews send --help`), which lists its
 * options; commander copies the program's hint to every command otherwise. A mistyped option gets commander's
 * "did you mean" (showSuggestionAfterError, on by default).
 */
function helpHint(c: Command, parent: string): void {
  const name = `${parent} ${c.name()}`;
  c.showHelpAfterError(`(run ${name} --help for usage)`);
  for (const sub of c.commands) helpHint(sub, name);
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function run(argv: string[], o: RunOptions = {}): Promise<number> {
  const cwd = o.cwd ?? process.cwd();
  // Found before parsing: the project's .env holds the secrets the redactor must know from the start.
  const flag = projectFlag(argv);
  const found = flag === undefined ? findProjectRoot(cwd) : projectFromFlag(cwd, flag);
  const root = typeof found === 'string' ? found : null;
  const env = loadEnv(root ?? cwd, o.env ?? process.env);
  const redact = redactor(secretsOf(env, transportSecrets(env)));
  const raw = o.output ?? consoleOutput;
  const relative = relativizerFrom(cwd, root);
  // Everything printed passes through the redactor, errors from libraries included; text also gets relative paths.
  // And nothing a stranger wrote (a bounce's diagnostic, a subscriber's name, an event's detail) can steer the
  // terminal: control characters are shown, not obeyed, in every line, data included.
  const output: Output = {
    out: (l) => raw.out(neutralizeKeepLines(relative(redact(l)))),
    err: (l) => raw.err(neutralizeKeepLines(relative(redact(l)))),
    data: (l) => raw.out(neutralizeKeepLines(redact(l))),
    isTTY: raw.isTTY,
  };
  const ctx: CliContext = {
    cwd,
    get root(): string {
      if (root === null) throw found instanceof EnewsError ? found : notInProject(cwd);
      return root;
    },
    inProject: root !== null,
    env,
    output,
    redact,
    display: displayFrom(cwd, root),
  };
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
