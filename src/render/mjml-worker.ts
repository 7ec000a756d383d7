/** The worker thread of mjml-compile.ts: loads MJML at once, then compiles what it is sent. */
import { parentPort } from 'node:worker_threads';
import mjml2html from 'mjml';
import { type Mjml2Html, type MjmlOptions, type MjmlReply, runMjml } from './mjml-compile.js';

parentPort!.on('message', async ({ id, mjml, options }: { id: number; mjml: string; options: MjmlOptions }) => {
  const reply: MjmlReply = { id, ...(await runMjml(mjml2html as unknown as Mjml2Html, mjml, options)) };
  parentPort!.postMessage(reply);
});
