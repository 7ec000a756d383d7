/**
 * Questions on a terminal, answered in order however fast the lines come. readline's question()
 * hears only the line typed while it asks, so a paste of several answers lost all but the first;
 * here every line is queued, and an answer taken from the queue is shown after its question as
 * if typed (what readline echoed while no question was asked is held back, so nothing shows
 * twice). Ctrl-D (the end of the input) and Ctrl-C end the questions.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

export class LinePrompter {
  private readonly rl: Interface;
  private readonly queue: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WriteStream,
  ) {
    // readline echoes what is typed; only while a question waits for it does the echo reach the terminal.
    const echo = new Writable({
      write: (chunk, _encoding, done) => {
        if (this.waiting) output.write(chunk);
        done();
      },
    });
    Object.defineProperty(echo, 'columns', { get: () => output.columns });
    this.rl = createInterface({ input, output: echo, terminal: true });
    this.rl.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting) waiting(line);
      else this.queue.push(line);
    });
    this.rl.on('SIGINT', () => this.rl.close());
    this.rl.on('close', () => {
      this.ended = true;
      const waiting = this.waiting;
      this.waiting = null;
      if (waiting) {
        output.write('\n');
        waiting(null);
      }
    });
  }

  /** Shows `prompt` and resolves to the next line; null once the input has ended. */
  line(prompt: string): Promise<string | null> {
    const queued = this.queue.shift();
    if (queued !== undefined) {
      this.output.write(`${prompt}${queued}\n`);
      return Promise.resolve(queued);
    }
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.rl.setPrompt(prompt);
      this.rl.prompt();
    });
  }

  close(): void {
    this.rl.close();
  }
}
