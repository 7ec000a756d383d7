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
  // Messages show paths relative to the working directory, as staff see them; be in the project like they are.
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await run(args, {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      output: { out: (l) => (stdout += l + '\n'), err: (l) => (stderr += l + '\n'), data: (l) => (stdout += l + '\n'), isTTY: false },
    });
    return { code, stdout, stderr };
  } finally {
    process.chdir(before);
  }
}
