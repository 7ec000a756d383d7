/**
 * What every command gets from the command line's entry (main.ts makes it):
 * where it runs, the project, the environment, and where and how to print.
 */
import type { Env } from '../config/env.js';
import type { Output } from './output.js';

export interface CliContext {
  /** Where the command was typed: paths people give (--subscribers, --out…) are relative to it. */
  cwd: string;
  /**
   * The project folder: --project, else the nearest folder at or above cwd holding
   * issues/newsletter.yaml. Reading it outside a project throws the error that says how to make one.
   */
  readonly root: string;
  /** True when there is a project (reading `root` would not throw). */
  inProject: boolean;
  env: Env;
  output: Output;
  /** Removes secrets (SMTP password, unsubscribe secret) from any text. */
  redact: (s: string) => string;
  /** A path as people see it: relative to the working folder when inside it. */
  display: (file: string) => string;
}
