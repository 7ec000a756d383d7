/** Runs the CLI in this process (same code path as bin/enews.js, without the spawn cost). */
import { run } from '../../src/cli/main.js';

export interface InProcResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function enews(args: string[], cwd: string, env: Record<string, string> = {}): Promise<InProcResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    output: {
      out: (l) => (stdout += l + '\n'),
      err: (l) => (stderr += l + '\n'),
      data: (l) => (stdout += l + '\n'),
      isTTY: false,
    },
  });
  return { code, stdout, stderr };
}
