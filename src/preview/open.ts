/** Opens a URL in the person's default browser, for `enews preview --open`. */
import { spawn } from 'node:child_process';

export function openInBrowser(url: string): Promise<void> {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    // Detached and ignored: the browser outlives the preview and must not write into its terminal.
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.once('error', (err) => reject(new Error(`${cmd} could not be started (${(err as NodeJS.ErrnoException).code ?? err.message})`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
