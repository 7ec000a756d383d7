/** Opens a URL in the person's default browser, for `enews preview --open`. */
import { spawn } from 'node:child_process';

/** Resolves when the system's opener has handed the URL on; rejects when it could not. */
export function openInBrowser(url: string): Promise<void> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    // Detached with its output ignored: the browser outlives the preview and must not write into its terminal.
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.unref();
    child.once('error', (err) =>
      reject(new Error(`${cmd} could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`)),
    );
    // Openers exit once the browser has the URL; a failure code means no browser was found.
    child.once('exit', (code) =>
      code === 0 || code === null ? resolve() : reject(new Error(`${cmd} found no browser (exit code ${code})`)),
    );
  });
}
